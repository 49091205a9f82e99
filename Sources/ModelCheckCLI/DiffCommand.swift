import Explorer
import Foundation
import IOASIDModel

/// `modelcheck diff OLD.model NEW.model`: how a reviewer regression-tests a revised uAPI. The
/// two models must agree on everything but their `set` lines; both are explored under the same
/// operation sequences, and the shortest sequence whose last step has different outcomes is
/// printed. Exit 0: no difference within the bounds; 1: one printed; 2 bad input; 3 a limit.
enum DiffCommand {
    static let spec = CommandSpec(
        name: "diff",
        summary: "find the shortest operation sequence on which two variants of a design differ",
        usage: "modelcheck diff [OPTIONS] OLD.model NEW.model",
        options: [
            OptionSpec(name: "max-depth", value: "N", help: "stop at depth N (incomplete if below the models' depth)"),
            OptionSpec(name: "max-states", value: "N", help: "stop after N distinct state pairs (incomplete)"),
            OptionSpec(name: "time-limit", value: "SECONDS", help: "stop after this long (incomplete)"),
            OptionSpec(name: "workers", value: "N", help: "worker threads (default: all cores)"),
            OptionSpec(name: "format", value: "text|json", help: "output format (default text)"),
            OptionSpec(name: "progress", value: nil, help: "print progress to stderr even when it is not a terminal"),
        ],
        details: """
        OLD and NEW must name the same proposal and have the same topology and 'explore' block;
        only 'set' lines (and the title, scenarios, checks and expectations, which diff ignores)
        may differ. A step differs when the operation succeeds in one model and fails in the
        other, or fails with another errno. Exit code: 0 no difference within the models' depth,
        1 a difference (printed), 2 bad input, 3 a limit stopped the search.
        """)

    static func run(_ parsed: ParsedArguments, console: Console) throws(UsageError) -> Int32 {
        let opts = try CheckCommand.options(parsed)
        guard parsed.positionals.count == 2 else { throw UsageError(message: "diff: expected two model files, OLD and NEW") }
        Interrupt.install()
        guard let old = ModelFiles.load(parsed.positionals[0], console: console),
              let new = ModelFiles.load(parsed.positionals[1], console: console) else { return 2 }
        if let mismatch = mismatch(old, new) {
            console.err("\(new.path):1:1: error: \(mismatch); diff compares models that differ only in 'set' lines")
            return 2
        }
        guard let bounds = old.explore, bounds.hasDepth else {
            console.err(old.exploreLocation.map { "\(old.path):\($0.line):\($0.column): error: the explore block has no 'depth N' line; diff needs one" }
                            ?? "\(old.path):1:1: error: diff needs an 'explore { … }' block with 'depth N'")
            return 2
        }
        var limits = opts.limits
        limits.modelDepth = bounds.depth
        let printer = ProgressPrinter(enabled: opts.progress, console: console)
        return old.open(Differ(new: new, limits: limits, opts: opts, printer: printer, console: console, depth: bounds.depth))
    }

    struct Differ: ProposalVisitor {
        let new: Model
        let limits: SearchLimits
        let opts: CheckCommand.Options
        let printer: ProgressPrinter
        let console: Console
        let depth: Int

        func visit<P: Proposal>(_ proposal: P, model old: Model) -> Int32 {
            let search = DiffSearchModel<P>(old: old, new: new)
            var request = SearchRequest()
            request.limits = limits
            request.workers = opts.workers
            request.onProgress = { [printer] in printer.report($0) }
            let result = proposal.searchDifferences(search, request)
            let report = DiffReport(old: old, new: new, search: search, result: result, depth: depth)
            console.out(opts.json ? report.json.rendered : report.text)
            return report.exitCode
        }
    }

    /// What besides `set` lines tells the two models apart, if anything.
    static func mismatch(_ old: Model, _ new: Model) -> String? {
        if old.proposal != new.proposal { return "the proposals differ (\(old.proposal), \(new.proposal))" }
        if old.topology != new.topology { return "the topologies differ" }
        if old.explore != new.explore { return "the 'explore' blocks differ" }
        return nil
    }
}

/// The result of a `diff`, as text or JSON.
struct DiffReport<P: Proposal> {
    let old: Model
    let new: Model
    let search: DiffSearchModel<P>
    let result: SearchResult<DiffSearchModel<P>>
    let depth: Int

    var exitCode: Int32 {
        switch result.verdict {
        case .holds: return 0
        case .violation: return 1
        case .incomplete: return 3
        }
    }

    var verdictWord: String {
        switch result.verdict {
        case .holds: return "same"
        case .violation: return "differ"
        case .incomplete: return "incomplete"
        }
    }

    /// The knobs whose values differ: name, old value, new value.
    var knobChanges: [(String, String, String)] {
        P.knobs.map(\.name).compactMap { k in
            let a = old.knob(k) ?? "", b = new.knob(k) ?? ""
            return a == b ? nil : (k, a, b)
        }
    }

    /// Each step with both outcomes: (the step, old outcome, new outcome).
    var steps: [(DiffSearchModel<P>.Step, Outcome, Outcome)] {
        guard let trace = result.counterexample else { return [] }
        var before = trace.initial
        return trace.steps.map { step in
            let (_, a) = search.old.proposal.apply(step.action.old, to: before.old)
            let (_, b) = search.new.proposal.apply(step.action.new, to: before.new)
            before = step.state
            return (step.action, a, b)
        }
    }

    var text: String {
        let changes = knobChanges.map { "\($0.0): \($0.1) → \($0.2)" }.joined(separator: ", ")
        var out = ["\(old.path) vs \(new.path) (\(changes.isEmpty ? "no knob differs" : changes))"]
        let s = result.statistics
        switch result.verdict {
        case .holds:
            out.append("  no difference within depth \(depth)")
        case .incomplete(let why):
            out.append("  no difference found before the search stopped (\(why))")
        case .violation:
            let all = steps
            out.append("  the outcomes differ after \(all.count) step\(all.count == 1 ? "" : "s"):")
            for (i, (step, a, b)) in all.enumerated() {
                var text = step.old.scenarioText(old.topology)
                if step.new != step.old { text += " (new: \(step.new.scenarioText(new.topology)))" }
                let oldText = ScenarioRunner.describe(a), newText = ScenarioRunner.describe(b)
                out.append(oldText == newText && i < all.count - 1 ? "    \(i + 1). \(text) => \(oldText)"
                                                                   : "    \(i + 1). \(text) => old: \(oldText)   new: \(newText)")
            }
        }
        out.append("  \(s.distinctStates) state pairs, \(s.transitions) transitions, depth \(s.maxDepth), \(String(format3: s.seconds)) s, \(s.workers) worker(s)")
        return out.joined(separator: "\n")
    }

    var json: JSON {
        let s = result.statistics
        var fields: [(String, JSON)] = [
            ("old", .string(old.path)), ("new", .string(new.path)), ("proposal", .string(old.proposal)),
            ("verdict", .string(verdictWord)),
            ("knobs", .object(knobChanges.map { ($0.0, .object([("old", .string($0.1)), ("new", .string($0.2))])) })),
            ("stats", .object([("statePairs", .int(s.distinctStates)), ("transitions", .int(s.transitions)), ("maxDepth", .int(s.maxDepth)),
                               ("seconds", .double(s.seconds)), ("workers", .int(s.workers))])),
        ]
        if case .incomplete(let why) = result.verdict { fields.append(("reason", .string(why))) }
        if case .violation = result.verdict {
            fields.append(("trace", .array(steps.map { step, a, b in
                .object([("op", .string(step.old.name)), ("args", step.old.argumentsJSON(old.topology)),
                         ("newArgs", step.new.argumentsJSON(new.topology)),
                         ("old", .string(ScenarioRunner.describe(a))), ("new", .string(ScenarioRunner.describe(b)))])
            })))
        }
        return .object(fields)
    }
}
