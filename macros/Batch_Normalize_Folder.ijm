// Batch_Normalize_Folder.ijm - normalize the stain colours of every image in a folder with one method.
// The results keep their file names; outputs that exist are skipped (re-run to resume) unless overwrite=true.
//
// GUI:       Plugins > Macros > Run... and pick this file; a dialog asks for the settings.
// Batch:     ImageJ-linux64 -batch Batch_Normalize_Folder.ijm "input=/data/in output=/data/out method=macenko reference=/data/target.png"
// Headless:  ImageJ-linux64 --headless -batch Batch_Normalize_Folder.ijm "input=/data/in output=/data/out method=stst"
//            (Fiji's --headless runs ImageJ without windows; like -batch, Fiji exits 0 even when the macro failed.)
//            Plain ImageJ 1.x needs a display even with -batch (without one it stops with a HeadlessException and
//            still exits 0); on a headless machine give it a virtual one (Debian: apt-get install xvfb xauth):
//            xvfb-run -a java -jar ij.jar -ijpath /path/to/ImageJ -batch Batch_Normalize_Folder.ijm "..."
//            With an exit code that tells failure (1 work failed, 2 bad parameters), from a checkout of this project:
//            ./stainnorm --headless --run "Normalize Stain (Folder)" "input_folder=/data/in,output_folder=/data/out,method=stst"
// Arguments, space separated key=value ([brackets] around values with spaces):
//   input      folder of RGB H&E images (required)
//   output     folder for the normalized images (required; created if needed; not the input folder)
//   method     stst, reinhard, macenko, vahadane or khan (default macenko)
//   reference  target-style image(s) for the classical methods, comma separated; a name holding a comma goes in
//              quotes inside the brackets: reference=['/data/target, 2.png',/data/other.png] (ImageJ ends a [value] at
//              its first ], so a name holding ] cannot be given here: use ./stainnorm --headless --run)
//   model      STST model file (default: the bundled model)
//   options    method settings, e.g. [io=240,beta=0.15]
//   pattern    only file names matching this glob, e.g. *.tif (default: all images)
//   overwrite  true to replace existing outputs (default false)
//   shard      i/n: only part i of n of the files, for cluster job arrays (default 1/1)
//   threads    files processed at once, 0 = one per core (default 0)

args = getArgument();
if (args == "" && !is("Batch Mode")) {
	Dialog.create("Batch Normalize Folder");
	Dialog.addDirectory("input", "");
	Dialog.addDirectory("output", "");
	Dialog.addString("method", "macenko");
	Dialog.addString("reference", "", 40);
	Dialog.addCheckbox("overwrite", false);
	Dialog.show();
	args = "input=[" + Dialog.getString() + "] output=[" + Dialog.getString() + "] method=" + Dialog.getString()
		+ " reference=[" + Dialog.getString() + "] overwrite=" + Dialog.getCheckbox();
}
input = argument(args, "input", "");
output = argument(args, "output", "");
if (input == "" || output == "")
	exit("Batch_Normalize_Folder: give input=<folder> output=<folder> (see the header of this macro)");

options = "input_folder=[" + input + "] output_folder=[" + output + "] method=" + argument(args, "method", "macenko")
	+ " file_pattern=[" + argument(args, "pattern", "*") + "] shard=" + argument(args, "shard", "1/1")
	+ " threads=" + argument(args, "threads", "0") + " options=[" + argument(args, "options", "") + "]";
reference = argument(args, "reference", "");
if (reference != "") options = options + " reference_images=[" + reference + "]";
model = argument(args, "model", "");
if (model != "") options = options + " model=[" + model + "]";
overwrite = argument(args, "overwrite", "false");
if (overwrite == "true") options = options + " overwrite";
run("Normalize Stain (Folder)", options);
print("Batch_Normalize_Folder: " + input + " -> " + output + " done");

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
