package sc.fiji.stainnorm.fiji;

import java.util.Map;

import org.junit.rules.ExternalResource;
import org.scijava.Context;
import org.scijava.command.CommandService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;

/**
 * One SciJava context per test class ({@code @ClassRule}), in which commands run by menu label with their inputs
 * given as a map. The commands' own error lines are silenced: the tests assert the failures, and the lines
 * would only clutter the build log.
 */
final class CommandContext extends ExternalResource {
	private Context context;

	@Override
	protected void before() {
		context = new Context();
		context.service(LogService.class).setLevel(StainNormCommand.class.getName(), LogLevel.NONE);
	}

	@Override
	protected void after() {
		context.dispose();
	}

	Context context() {
		return context;
	}

	CommandRunner.Result run(String label, Map<String, ?> inputs) {
		return CommandRunner.run(context, CommandRunner.find(context.service(CommandService.class), label), inputs, true);
	}
}
