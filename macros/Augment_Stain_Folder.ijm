// Augment_Stain_Folder.ijm - seeded stain variants of every image in a folder, for training classifiers.
// Writes NAME_aug01.png, NAME_aug02.png, ... and augmentation.csv (what was drawn per copy) into the output folder.
// The same seed gives the same files on any machine; existing outputs stop the run unless overwrite=true.
//
// GUI:       Plugins > Macros > Run... and pick this file; a dialog asks for the settings.
// Batch:     ImageJ-linux64 -batch Augment_Stain_Folder.ijm "input=/data/train output=/data/train_aug method=hed copies=8 seed=42"
// Headless:  ImageJ-linux64 --headless -batch Augment_Stain_Folder.ijm "input=/data/train output=/data/train_aug"
// Arguments, space separated key=value ([brackets] around values with spaces):
//   input      folder of RGB H&E images (required)
//   output     folder for the variants (required; created if needed; not the input folder)
//   method     hed (Tellez et al. HED jitter), macenko or vahadane (default hed)
//   copies     variants per image (default 4)
//   sigma1     range of the concentration scale alpha around 1 (default 0.05)
//   sigma2     range of the concentration shift beta around 0 (default 0.05)
//   rotation   also turn each stain's vector by up to this many degrees (default 0 = off, at most 20)
//   seed       integer seed (default 0)
//   overwrite  true to replace existing outputs (default false)

args = getArgument();
if (args == "" && !is("Batch Mode")) {
	Dialog.create("Augment Stain (Folder)");
	Dialog.addDirectory("input", "");
	Dialog.addDirectory("output", "");
	Dialog.addChoice("method", newArray("hed", "macenko", "vahadane"), "hed");
	Dialog.addNumber("copies", 4);
	Dialog.addNumber("sigma1", 0.05);
	Dialog.addNumber("sigma2", 0.05);
	Dialog.addNumber("seed", 0);
	Dialog.addCheckbox("overwrite", false);
	Dialog.show();
	args = "input=[" + Dialog.getString() + "] output=[" + Dialog.getString() + "] method=" + Dialog.getChoice()
		+ " copies=" + Dialog.getNumber() + " sigma1=" + Dialog.getNumber() + " sigma2=" + Dialog.getNumber()
		+ " seed=" + Dialog.getNumber() + " overwrite=" + Dialog.getCheckbox();
}
input = argument(args, "input", "");
output = argument(args, "output", "");
if (input == "" || output == "")
	exit("Augment_Stain_Folder: give input=<folder> output=<folder> (see the header of this macro)");

options = "input_folder=[" + input + "] output_folder=[" + output + "] method=" + argument(args, "method", "hed")
	+ " copies=" + argument(args, "copies", "4") + " sigma1=" + argument(args, "sigma1", "0.05")
	+ " sigma2=" + argument(args, "sigma2", "0.05") + " rotation=" + argument(args, "rotation", "0") + " seed=" + argument(args, "seed", "0");
overwrite = argument(args, "overwrite", "false");
if (overwrite == "true") options = options + " overwrite";
run("Augment Stain", options);
print("Augment_Stain_Folder: " + input + " -> " + output + " done");

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
