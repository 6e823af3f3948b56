// Compare_Methods.ijm - run several stain normalization methods on a folder of source images, measure each result
// against the ground truth of the same file name (SSIM, MS-SSIM, FSIM, PSNR, ... and stain separation), and save
// the metrics table (comparison.csv, one row per method and image), a per-method summary (comparison_summary.csv),
// a box plot of one metric (comparison_plot.png) and a montage source | methods | ground truth (comparison_montage.png).
//
// GUI:       Plugins > Macros > Run... and pick this file; a dialog asks for the settings.
// Batch:     ImageJ-linux64 -batch Compare_Methods.ijm "source=/data/src truth=/data/gt reference=/data/target.png output=/data/cmp"
// Headless:  ImageJ-linux64 --headless -batch Compare_Methods.ijm "source=/data/src truth=/data/gt reference=/data/ref.png output=/data/cmp methods=[macenko,vahadane]"
//            (Fiji's --headless runs ImageJ without windows; like -batch, Fiji exits 0 even when the macro failed.)
//            Plain ImageJ 1.x needs a display even with -batch (without one it stops with a HeadlessException and
//            still exits 0); on a headless machine give it a virtual one (Debian: apt-get install xvfb xauth):
//            xvfb-run -a java -jar ij.jar -ijpath /path/to/ImageJ -batch Compare_Methods.ijm "..."
//            With an exit code that tells failure (1 work failed, 2 bad parameters), from a checkout of this project:
//            ./stainnorm --headless --run "Compare Stain Normalization Methods" "source_folder=/data/src,ground_truth_folder=/data/gt,output_folder=/data/cmp,..."
// Arguments, space separated key=value ([brackets] around values with spaces or commas):
//   source      folder of RGB H&E images to normalize (required)
//   truth       folder of the same images in the target stain style, same file names (required)
//   reference   target-style image(s) for the classical methods, comma separated (not the ground truth itself);
//               a name holding a comma goes in quotes: reference=['/data/ref, 2.png',/data/other.png]
//   output      folder for the tables, plot and montage (required)
//   methods     all, or a list such as [reinhard,macenko] (default all)
//   convention  standard or paper (the STST paper's metric implementations; default standard)
//   metric      the metric of the box plot (default SSIM)
//   rows        pairs shown in the montage (default 4)
//   images      true to also save every method's outputs in <output>/<method>/ (default false)
//   overwrite   true to replace the files of an earlier run (default false)
//   threads     pairs processed at once, 0 = one per core (default 0)

args = getArgument();
if (args == "" && !is("Batch Mode")) {
	Dialog.create("Compare Methods");
	Dialog.addDirectory("source", "");
	Dialog.addDirectory("truth", "");
	Dialog.addString("reference", "", 40);
	Dialog.addDirectory("output", "");
	Dialog.addString("methods", "all");
	Dialog.addChoice("convention", newArray("standard", "paper"));
	Dialog.addCheckbox("overwrite", false);
	Dialog.show();
	args = "source=[" + Dialog.getString() + "] truth=[" + Dialog.getString() + "] reference=[" + Dialog.getString() + "] output=["
		+ Dialog.getString() + "] methods=[" + Dialog.getString() + "] convention=" + Dialog.getChoice() + " overwrite=" + Dialog.getCheckbox();
}
source = argument(args, "source", "");
truth = argument(args, "truth", "");
output = argument(args, "output", "");
if (source == "" || truth == "" || output == "")
	exit("Compare_Methods: give source=<folder> truth=<folder> output=<folder> (see the header of this macro)");

options = "source_folder=[" + source + "] ground_truth_folder=[" + truth + "] output_folder=[" + output + "] methods=["
	+ argument(args, "methods", "all") + "] convention=" + argument(args, "convention", "standard") + " plot_metric=["
	+ argument(args, "metric", "SSIM") + "] montage_rows=" + argument(args, "rows", "4") + " threads=" + argument(args, "threads", "0");
reference = argument(args, "reference", "");
if (reference != "") options = options + " reference_images=[" + reference + "]";
model = argument(args, "model", "");
if (model != "") options = options + " model=[" + model + "]";
images = argument(args, "images", "false");
if (images == "true") options = options + " save_images";
overwrite = argument(args, "overwrite", "false");
if (overwrite == "true") options = options + " overwrite";
run("Compare Stain Normalization Methods", options);
print("Compare_Methods: " + source + " vs " + truth + " -> " + output + File.separator + "comparison.csv");

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
