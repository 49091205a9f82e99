import IOASIDModel

/// The `modelcheck` command line: dispatches to one command and returns its exit code
/// (0 as expected, 1 an expectation failed, 2 bad input, 3 incomplete — `SPEC.md` §1).
public enum Tool {
    static let version = "0.1.0"

    static let commands: [CommandSpec] = [CheckCommand.spec, RunCommand.spec, ReplayCommand.spec, DiffCommand.spec, DescribeCommand.spec, ListCommand.spec, SelfcheckCommand.spec]

    /// Runs `arguments` (without the program name); `check` searches with `engine`.
    public static func run(_ arguments: [String], console: Console, engine: any SearchEngine = LocalSearchEngine()) -> Int32 {
        if arguments.isEmpty || arguments == ["--help"] || arguments == ["help"] {
            console.out(overview)
            return arguments.isEmpty ? 2 : 0
        }
        if arguments == ["--version"] {
            console.out("modelcheck \(version)")
            return 0
        }
        do {
            let parsed = try ArgumentParser.parse(arguments, commands: commands)
            if parsed.wantsHelp, let spec = commands.first(where: { $0.name == parsed.command }) {
                console.out(ArgumentParser.help(for: spec))
                return 0
            }
            switch parsed.command {
            case CheckCommand.spec.name: return try CheckCommand.run(parsed, console: console, engine: engine)
            case ReplayCommand.spec.name: return try ReplayCommand.run(parsed, console: console)
            case DiffCommand.spec.name: return try DiffCommand.run(parsed, console: console)
            case RunCommand.spec.name: return try RunCommand.run(parsed, console: console)
            case DescribeCommand.spec.name: return try DescribeCommand.run(parsed, console: console)
            case ListCommand.spec.name: return try ListCommand.run(parsed, console: console)
            case SelfcheckCommand.spec.name: return try SelfcheckCommand.run(parsed, console: console)
            default: throw UsageError(message: "unknown command '\(parsed.command)'")
            }
        } catch {
            console.err("modelcheck: error: \(error)")
            return 2
        }
    }

    static var overview: String {
        var lines = ["usage: modelcheck COMMAND [OPTIONS] [ARGS]", "",
                     "A model checker for the Linux IOMMU userspace API (iommufd, /dev/ioasid, VFIO).", "",
                     "commands:"]
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        for c in commands { lines.append("  " + c.name.padding(toLength: width, withPad: " ", startingAt: 0) + c.summary) }
        lines += ["", "'modelcheck COMMAND --help' describes a command; 'modelcheck --version' prints the version."]
        return lines.joined(separator: "\n")
    }
}
