/// A command-line option a command accepts.
struct OptionSpec: Sendable {
    var name: String
    /// The value's placeholder (`N`, `PATH`); nil for a flag.
    var value: String?
    var help: String
}

/// A command: its name, one line of help, its usage, its options.
struct CommandSpec: Sendable {
    var name: String
    var summary: String
    var usage: String
    var options: [OptionSpec]
    /// Paragraphs printed after the options by `--help`.
    var details: String = ""
}

/// The parsed command line of one command.
struct ParsedArguments: Equatable, Sendable {
    var command: String
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []
    var wantsHelp = false
}

/// A usage error: printed as `modelcheck: error: MESSAGE`, exit code 2.
struct UsageError: Error, Equatable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The one argument parser of the tool: `COMMAND [--opt VALUE | --opt=VALUE | --flag | ARG]…`,
/// with `--` ending the options.
enum ArgumentParser {
    static func parse(_ arguments: [String], commands: [CommandSpec]) throws(UsageError) -> ParsedArguments {
        guard let first = arguments.first else { throw UsageError(message: "no command given; try 'modelcheck --help'") }
        guard let spec = commands.first(where: { $0.name == first }) else {
            let names = commands.map(\.name)
            var message = "unknown command '\(first)'"
            if let near = nearest(first, in: names) { message += "; did you mean '\(near)'?" }
            throw UsageError(message: message)
        }
        var parsed = ParsedArguments(command: spec.name)
        var i = 1
        var optionsEnded = false
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if optionsEnded || !arg.hasPrefix("--") || arg == "-" {
                if !optionsEnded, arg.hasPrefix("-"), arg != "-" {
                    throw UsageError(message: "unknown option '\(arg)' for '\(spec.name)'")
                }
                parsed.positionals.append(arg)
                continue
            }
            if arg == "--" { optionsEnded = true; continue }
            if arg == "--help" { parsed.wantsHelp = true; continue }
            var name = String(arg.dropFirst(2))
            var inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = spec.options.first(where: { $0.name == name }) else {
                var message = "unknown option '--\(name)' for '\(spec.name)'"
                if let near = nearest(name, in: spec.options.map(\.name)) { message += "; did you mean '--\(near)'?" }
                throw UsageError(message: message)
            }
            if option.value == nil {
                guard inline == nil else { throw UsageError(message: "option '--\(name)' takes no value") }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if let inline {
                value = inline
            } else {
                guard i < arguments.count else { throw UsageError(message: "option '--\(name)' needs a value (\(option.value!))") }
                value = arguments[i]
                i += 1
            }
            guard parsed.values[name] == nil else { throw UsageError(message: "option '--\(name)' is given twice") }
            parsed.values[name] = value
        }
        return parsed
    }

    /// The value of `--name` as a whole number within `range`.
    static func integer(_ parsed: ParsedArguments, _ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = parsed.values[name] else { return nil }
        guard let n = Int(text), range.contains(n) else {
            throw UsageError(message: "option '--\(name)' takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return n
    }

    /// The `--help` text of a command.
    static func help(for spec: CommandSpec) -> String {
        var lines = ["usage: \(spec.usage)", "", spec.summary]
        if !spec.options.isEmpty {
            lines.append("")
            lines.append("options:")
            let shown = spec.options.map { o in ("--\(o.name)" + (o.value.map { " \($0)" } ?? ""), o.help) }
            let width = (shown.map(\.0.count).max() ?? 0) + 2
            for (left, right) in shown { lines.append("  " + left.padding(toLength: width, withPad: " ", startingAt: 0) + right) }
            lines.append("  " + "--help".padding(toLength: width, withPad: " ", startingAt: 0) + "show this help")
        }
        if !spec.details.isEmpty {
            lines.append("")
            lines.append(spec.details)
        }
        return lines.joined(separator: "\n")
    }

    private static func nearest(_ word: String, in names: [String]) -> String? {
        names.first { $0.hasPrefix(word) || word.hasPrefix($0) } ?? names.first { edits(word, $0) <= 2 }
    }

    private static func edits(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where i <= a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where j <= b.count {
                let keep = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = keep
            }
        }
        return row[b.count]
    }
}
