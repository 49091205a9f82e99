import Foundation
import IOASIDModel

/// `modelcheck run`: the scenarios of each model, like a test runner.
enum RunCommand {
    static let spec = CommandSpec(
        name: "run",
        summary: "run the scenarios of each model (deterministic, like a test runner)",
        usage: "modelcheck run [--format text|tap|json] FILE.model...",
        options: [OptionSpec(name: "format", value: "text|tap|json", help: "output format (default text)")],
        details: """
        Each scenario runs from the initial state; every step's result is compared with its
        '=> RESULT' and the model's invariants are checked after every step. A failing step is
        printed with the expected and actual result and the state after it.
        Exit code: 0 all scenarios pass, 1 one failed, 2 bad input.
        """)

    static func run(_ parsed: ParsedArguments, console: Console) throws(UsageError) -> Int32 {
        let format = parsed.values["format"] ?? "text"
        guard ["text", "tap", "json"].contains(format) else { throw UsageError(message: "--format must be text, tap or json") }
        var exit: Int32 = 0
        var passed = 0, failed = 0, tapIndex = 0, unloaded = 0
        var tapLines: [String] = []
        for path in try ModelFiles.paths(parsed) {
            guard let model = ModelFiles.load(path, console: console) else {
                exit = ModelFiles.worst(exit, 2)
                unloaded += 1
                // A TAP consumer must not read a file that does not load as "nothing to test".
                if format == "tap" { tapLines.append("Bail out! \(Self.tapEscaped(path)) does not load (the diagnostic is on stderr)") }
                continue
            }
            let results = ScenarioRunner.run(model)
            let bad = results.filter { !$0.passed }.count
            passed += results.count - bad
            failed += bad
            if bad > 0 { exit = ModelFiles.worst(exit, 1) }
            switch format {
            case "json":
                console.out(json(model, results).rendered)
            case "tap":
                for r in results {
                    tapIndex += 1
                    tapLines.append("\(r.passed ? "ok" : "not ok") \(tapIndex) - \(Self.tapEscaped("\(path): \(r.name)"))")
                    if let f = r.failure {
                        tapLines += ["  ---", "  message: \(JSON.quote("step \(f.step) failed"))", "  at: \(JSON.quote("\(path):\(f.location.line):\(f.location.column)"))",
                                     "  expected: \(JSON.quote(f.expected))", "  actual: \(JSON.quote(f.actual))", "  ..."]
                    }
                }
            default:
                for r in results where !r.passed { console.out(text(path, r)) }
            }
        }
        switch format {
        case "tap":
            console.out((["TAP version 13", "1..\(tapIndex)"] + tapLines + ["# \(passed) passed, \(failed) failed"]).joined(separator: "\n"))
        case "text":
            console.out("\(passed) passed, \(failed) failed" + (unloaded == 0 ? "" : "; \(unloaded) file(s) did not load (see the errors above)"))
        default:
            break
        }
        return exit
    }

    /// A TAP description: `#` would start a directive (`# TODO`, `# SKIP`) that hides a failure,
    /// so it is escaped as `\#`, and `\` as `\\` (TAP 13); a line break would end the line.
    static func tapEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "#", with: "\\#")
            .replacingOccurrences(of: "\n", with: " ")
    }

    /// At most this many lines of the state after a failing step (its changes are all shown).
    static let stateLines = 40

    static func text(_ path: String, _ r: ScenarioResult) -> String {
        guard let f = r.failure else { return "" }
        var lines = ["\(path):\(f.location.line):\(f.location.column): scenario \"\(r.name)\" failed at step \(f.step)",
                     "  \(f.lineText.trimmingSpaces)",
                     "  expected: \(f.expected)",
                     "  actual:   \(f.actual)",
                     "  the step changed:"]
        lines += f.changes.isEmpty ? ["    nothing"] : f.changes.map { "    " + $0 }
        lines.append("  state after the step:")
        let shown = f.state.prefix(stateLines)
        lines += f.state.isEmpty ? ["    (nothing allocated)"] : shown.map { "    " + $0 }
        if f.state.count > shown.count { lines.append("    … and \(f.state.count - shown.count) more lines") }
        return lines.joined(separator: "\n")
    }

    static func json(_ model: Model, _ results: [ScenarioResult]) -> JSON {
        let failed = results.filter { !$0.passed }.count
        return .object([
            ("model", .string(model.path)), ("proposal", .string(model.proposal)),
            ("passed", .int(results.count - failed)), ("failed", .int(failed)), ("ok", .bool(failed == 0)),
            ("scenarios", .array(results.map { r in
                var fields: [(String, JSON)] = [("name", .string(r.name)), ("ok", .bool(r.passed))]
                if let f = r.failure {
                    fields += [("step", .int(f.step)), ("line", .int(f.location.line)), ("expected", .string(f.expected)), ("actual", .string(f.actual))]
                }
                return .object(fields)
            })),
        ])
    }
}
