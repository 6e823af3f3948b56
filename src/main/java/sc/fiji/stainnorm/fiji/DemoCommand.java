package sc.fiji.stainnorm.fiji;

import java.io.File;

import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Menu;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.stainnorm.core.InvalidSettingException;
import sc.fiji.stainnorm.demo.Demo;

/** Menu door to {@link Demo}: every method on the built-in synthetic test images, with a montage. */
@Plugin(type = Command.class, headless = true, label = DemoCommand.LABEL, description = "Every method on the built-in synthetic test images, with a montage and a metrics table, into a folder.",
	menu = { @Menu(label = "Plugins"), @Menu(label = StainNormCommand.MENU), @Menu(label = StainNormCommand.TOOLS, weight = StainNormCommand.TOOLS_WEIGHT), @Menu(label = DemoCommand.LABEL, weight = 3) })
public class DemoCommand implements Command {
	public static final String LABEL = "Stain Normalization Demo";

	// not required, so that headless runs without it fail with our message instead of a silent cancel
	@Parameter(label = "Output folder", style = "directory", required = false)
	private File output_folder;

	@Parameter(label = "Overwrite an existing demo output", required = false)
	private boolean overwrite;

	@Parameter
	private LogService log;

	@Parameter
	private StatusService status;

	@Override
	public void run() {
		if (output_folder == null) throw new InvalidSettingException("Missing parameter output_folder: the folder to write the demo into");
		Demo.Result r = Demo.run(output_folder.toPath(), overwrite, new StatusProgress(status, log, "Stain normalization demo", () -> false));
		log.info("Stain normalization demo: methods " + r.methods() + ", montage " + r.montage());
	}
}
