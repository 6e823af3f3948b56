// Train_STST_Model.ijm - train an STST model (grayscale -> one target stain style) on a folder of images of that style.
// Writes the model (e.g. mystain.zip) plus <model>.losses.csv and <model>.losses.png; an existing model is kept
// unless overwrite=true. Use the model with "Normalize Stain (Folder)" method=stst model=<model>.
//
// GUI:       Plugins > Macros > Run... and pick this file; a dialog asks for the settings.
// Batch:     ImageJ-linux64 -batch Train_STST_Model.ijm "images=/data/target_style model=/data/mystain.zip steps=6000"
// Headless:  ImageJ-linux64 --headless -batch Train_STST_Model.ijm "images=/data/tiles model=/data/mystain.zip checkpoints=/data/ckpt"
//            (Fiji's --headless runs ImageJ without windows; like -batch, Fiji exits 0 even when the macro failed.)
//            Plain ImageJ 1.x needs a display even with -batch (without one it stops with a HeadlessException and
//            still exits 0); on a headless machine give it a virtual one (Debian: apt-get install xvfb xauth):
//            xvfb-run -a java -jar ij.jar -ijpath /path/to/ImageJ -batch Train_STST_Model.ijm "..."
//            With an exit code that tells failure (1 work failed, 2 bad parameters), from a checkout of this project:
//            ./stainnorm --headless --run "Train STST Model" "images_folder=/data/tiles,output_model=/data/mystain.zip,..."
// Arguments, space separated key=value ([brackets] around values with spaces):
//   images       folder of RGB images of ONE target stain style (required)
//   model        model file to write, e.g. mystain.zip (required)
//   steps        optimisation steps, one patch each (default 4000)
//   width        network width ngf = ndf (default 16; the paper: 64)
//   patch        training patch size, a power of two (default 256)
//   seed         random seed (default 1); same settings and seed give the same model
//   validation   share of images held out for validation (default 0.1)
//   checkpoints  folder for checkpoints (optional); resume=true continues from the newest one
//   threads      TensorFlow threads, 0 = all cores (default 0)
//   overwrite    true to replace an existing model (default false)

args = getArgument();
if (args == "" && !is("Batch Mode")) {
	Dialog.create("Train STST Model");
	Dialog.addDirectory("images", "");
	Dialog.addFile("model", "mystain.zip");
	Dialog.addNumber("steps", 4000);
	Dialog.addNumber("width", 16);
	Dialog.addCheckbox("overwrite", false);
	Dialog.show();
	args = "images=[" + Dialog.getString() + "] model=[" + Dialog.getString() + "] steps=" + Dialog.getNumber() + " width="
		+ Dialog.getNumber() + " overwrite=" + Dialog.getCheckbox();
}
images = argument(args, "images", "");
model = argument(args, "model", "");
if (images == "" || model == "")
	exit("Train_STST_Model: give images=<folder> model=<file.zip> (see the header of this macro)");

options = "images_folder=[" + images + "] output_model=[" + model + "] steps=" + argument(args, "steps", "4000") + " width="
	+ argument(args, "width", "16") + " patch_size=" + argument(args, "patch", "256") + " seed=" + argument(args, "seed", "1")
	+ " validation_fraction=" + argument(args, "validation", "0.1") + " threads=" + argument(args, "threads", "0");
checkpoints = argument(args, "checkpoints", "");
if (checkpoints != "") options = options + " checkpoint_folder=[" + checkpoints + "]";
resume = argument(args, "resume", "false");
if (resume == "true") options = options + " resume";
overwrite = argument(args, "overwrite", "false");
if (overwrite == "true") options = options + " overwrite";
run("Train STST Model", options);
print("Train_STST_Model: " + images + " -> " + model);

// The value of key in "key=value key2=[value with spaces]", or dflt when the key is absent.
function argument(args, key, dflt) {
	i = indexOf(" " + args, " " + key + "=");
	if (i < 0) return dflt;
	rest = substring(args, i + lengthOf(key) + 1);
	if (startsWith(rest, "[")) return substring(rest, 1, indexOf(rest, "]"));
	j = indexOf(rest, " ");
	if (j < 0) return rest;
	return substring(rest, 0, j);
}
