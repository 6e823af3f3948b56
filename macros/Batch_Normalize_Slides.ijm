// Batch_Normalize_Slides.ijm - normalize every whole-slide image of a folder (SVS, pyramidal or tiled TIFF/BigTIFF,
// OME-TIFF) with one method into pyramidal TIFFs OUTPUT/NAME.tif, tile by tile with one stain model per slide.
// Complete outputs are skipped, and an interrupted slide resumes where it stopped, so re-run it to carry on.
//
// GUI:       Plugins > Macros > Run... and pick this file; a dialog asks for the settings.
// Batch:     ImageJ-linux64 -batch Batch_Normalize_Slides.ijm "input=/data/slides output=/data/out method=macenko reference=/data/target.png"
// Headless:  ImageJ-linux64 --headless -batch Batch_Normalize_Slides.ijm "input=/data/slides output=/data/out method=stst"
//            (like -batch, Fiji exits 0 even when the macro failed). Plain ImageJ 1.x needs a display even with -batch:
//            xvfb-run -a java -jar ij.jar -ijpath /path/to/ImageJ -batch Batch_Normalize_Slides.ijm "..."
//            With an exit code that tells failure (1 work failed, 2 bad parameters), from a checkout of this project:
//            ./stainnorm slide --method stst --output /data/out /data/slides
// Arguments, space separated key=value ([brackets] around values with spaces):
//   input        folder of slides: .svs .tif .tiff .btf .tf8 .tf2 (required)
//   output       folder for the normalized slides (required; created if needed; not the input folder)
//   method       stst, reinhard, macenko, vahadane or khan (default macenko)
//   reference    target-style image(s) for the classical methods, comma separated
//   model        STST model file (default: the bundled model)
//   options      method settings, e.g. [io=240,beta=0.15]
//   compression  jpeg (default) or deflate
//   quality      JPEG quality (default 90)
//   overwrite    true to replace existing outputs (default false)
//   shard        i/n: only part i of n of the sorted slides, for cluster job arrays (default 1/1)
//   threads      tiles at once, 0 = one per core (default 0)

args = getArgument();
if (args == "" && !is("Batch Mode")) {
	Dialog.create("Batch Normalize Slides");
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
	exit("Batch_Normalize_Slides: give input=<folder of slides> output=<folder> (see the header of this macro)");
if (!File.isDirectory(input)) exit("Batch_Normalize_Slides: input " + input + " is not a folder");
shard = split(argument(args, "shard", "1/1"), "/");
if (shard.length != 2) exit("Batch_Normalize_Slides: shard must be i/n, e.g. 2/8");
part = parseInt(shard[0]);
parts = parseInt(shard[1]);
if (isNaN(part) || isNaN(parts) || part < 1 || part > parts) exit("Batch_Normalize_Slides: shard must be i/n with 1 <= i <= n");

common = " method=" + argument(args, "method", "macenko") + " options=[" + argument(args, "options", "") + "]"
	+ " compression=" + argument(args, "compression", "jpeg") + " quality=" + argument(args, "quality", "90")
	+ " threads=" + argument(args, "threads", "0");
reference = argument(args, "reference", "");
if (reference != "") common = common + " reference_images=[" + reference + "]";
model = argument(args, "model", "");
if (model != "") common = common + " model=[" + model + "]";
overwrite = argument(args, "overwrite", "false");
if (overwrite == "true") common = common + " overwrite";

files = getFileList(input);
Array.sort(files);
slides = newArray(0);
for (i = 0; i < files.length; i++) {
	slide = isSlide(files[i]);
	if (slide) slides = Array.concat(slides, files[i]);
}
if (slides.length == 0) exit("Batch_Normalize_Slides: no slides (.svs .tif .tiff .btf .tf8 .tf2) in " + input);
if (File.exists(output) && !File.isDirectory(output)) exit("Batch_Normalize_Slides: output " + output + " is a file, not a folder");
File.makeDirectory(output);
if (!File.isDirectory(output)) exit("Batch_Normalize_Slides: cannot create the output folder " + output);
done = 0;
for (i = part - 1; i < slides.length; i += parts) {
	name = slides[i];
	base = substring(name, 0, lastIndexOf(name, "."));
	if (endsWith(toLowerCase(base), ".ome")) base = substring(base, 0, lengthOf(base) - 4);
	run("Normalize Whole Slide", "input_file=[" + input + File.separator + name + "] output_file=[" + output + File.separator + base + ".tif]" + common);
	done++;
}
print("Batch_Normalize_Slides: " + done + " slides of " + input + " (shard " + part + "/" + parts + ") -> " + output + " done");

function isSlide(name) {
	if (startsWith(name, ".")) return false;
	lower = toLowerCase(name);
	endings = newArray(".svs", ".tif", ".tiff", ".btf", ".tf8", ".tf2");
	for (k = 0; k < endings.length; k++)
		if (endsWith(lower, endings[k])) return true;
	return false;
}

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
