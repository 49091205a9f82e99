import Explorer
import Foundation
import IOASIDModel
import Synchronization

/// `modelcheck check`: the model's scenarios, then an exhaustive search of its state space
/// within the `explore` bounds, with verdicts and exit codes per `SPEC.md` §1.
enum CheckCommand {
    static let spec = CommandSpec(
        name: "check",
        summary: "explore the state space of each model and check its invariants",
        usage: "modelcheck check [OPTIONS] FILE.model...",
        options: [
            OptionSpec(name: "strategy", value: "bfs|dfs|random", help: "bfs (default: shortest counterexamples), dfs (memory-light), random (seeded walks)"),
            OptionSpec(name: "max-depth", value: "N", help: "stop at depth N (incomplete if below the model's depth)"),
            OptionSpec(name: "max-states", value: "N", help: "stop after N distinct states (incomplete)"),
            OptionSpec(name: "time-limit", value: "SECONDS", help: "stop after this long (incomplete)"),
            OptionSpec(name: "workers", value: "N", help: "worker threads for bfs (default: all cores)"),
            OptionSpec(name: "seed", value: "N", help: "seed for --strategy random"),
            OptionSpec(name: "walks", value: "N", help: "walks for --strategy random"),
            OptionSpec(name: "format", value: "text|json", help: "output format (default text)"),
            OptionSpec(name: "trace-out", value: "PATH", help: "write the JSON result, counterexample included"),
            OptionSpec(name: "dot", value: "PATH", help: "write a Graphviz picture of the counterexample's final state (nothing when the model holds)"),
            OptionSpec(name: "no-symmetry", value: nil, help: "turn symmetry reduction off"),
            OptionSpec(name: "compact-visited", value: nil, help: "6-byte lossless visited-set slots from 2^23 slots on (less memory, slower on cheap models)"),
            OptionSpec(name: "sleep-sets", value: nil, help: "bfs: skip actions a commuting order already took (same states, depths and verdicts; fewer transitions)"),
            OptionSpec(name: "checkpoint", value: "DIR", help: "save each finished bfs level in DIR (one model)"),
            OptionSpec(name: "resume", value: "DIR", help: "resume from the level saved in DIR, and go on saving there"),
            OptionSpec(name: "quiet", value: nil, help: "print only the verdict"),
            OptionSpec(name: "progress", value: nil, help: "print progress to stderr even when it is not a terminal"),
            OptionSpec(name: "expected-states", value: "N", help: "pre-size the visited set"),
        ],
        details: """
        The model's scenarios run first; a failing one makes the result 1. The search then checks
        every state reachable in at most the model's 'depth' operations (states at that depth are
        checked, not expanded). Exit code: 0 as the model expects ('expect holds' or the expected
        violation found), 1 an expectation failed, 2 bad input, 3 a limit stopped the search.
        """)

    typealias Strategy = SearchRequest.Strategy

    struct Options {
        var limits = SearchLimits()
        var strategy = Strategy.bfs
        var seed: UInt64 = 0
        var walks = 10_000
        var workers = ProcessInfo.processInfo.activeProcessorCount
        var json = false
        var traceOut: String?
        var quiet = false
        var progress = false
        var symmetry = true
        var dot: String?
        var checkpoint: CheckpointOptions.Request?
    }

    static func options(_ parsed: ParsedArguments) throws(UsageError) -> Options {
        var o = Options()
        if let s = parsed.values["strategy"] {
            guard let strategy = Strategy(rawValue: s) else { throw UsageError(message: "--strategy must be bfs, dfs or random") }
            o.strategy = strategy
        }
        o.limits.maxDepth = try ArgumentParser.integer(parsed, "max-depth", in: 0...1_000_000)
        o.limits.maxStates = try ArgumentParser.integer(parsed, "max-states", in: 1...Int(Int32.max))
        if let t = parsed.values["time-limit"] {
            guard let seconds = Double(t), seconds > 0, seconds < 1e9 else { throw UsageError(message: "--time-limit takes a positive number of seconds") }
            o.limits.timeLimit = .milliseconds(Int64(seconds * 1000))
        }
        if let w = try ArgumentParser.integer(parsed, "workers", in: 1...1024) { o.workers = w }
        o.seed = UInt64(try ArgumentParser.integer(parsed, "seed", in: 0...Int.max) ?? 0)
        o.walks = try ArgumentParser.integer(parsed, "walks", in: 1...Int.max) ?? 10_000
        o.limits.shouldStop = Interrupt.poll
        if let n = try ArgumentParser.integer(parsed, "expected-states", in: 1...(1 << 32)) {
            // Refused here rather than trapping when the allocation fails: the set grows as needed.
            let bytes = SharedFingerprintTable.bytes(forExpected: n, compact: parsed.flags.contains("compact-visited")), memory = ProcessInfo.processInfo.physicalMemory
            guard UInt64(bytes) <= memory / 2 else {
                throw UsageError(message: "--expected-states \(n) would pre-size the visited set to \(bytes >> 20) MiB, more than half of this "
                                 + "machine's \(memory >> 20) MiB; give a smaller N (the visited set grows as the search needs)")
            }
            o.limits.expectedStates = n
        }
        let format = parsed.values["format"] ?? "text"
        guard format == "text" || format == "json" else { throw UsageError(message: "--format must be text or json") }
        o.json = format == "json"
        o.traceOut = parsed.values["trace-out"]
        o.dot = parsed.values["dot"]
        o.quiet = parsed.flags.contains("quiet")
        o.symmetry = !parsed.flags.contains("no-symmetry")
        o.limits.compactVisitedSet = parsed.flags.contains("compact-visited")
        o.checkpoint = try CheckpointOptions.request(parsed, strategy: o.strategy)
        if parsed.flags.contains("sleep-sets") {
            guard o.strategy == .bfs else { throw UsageError(message: "--sleep-sets needs --strategy bfs") }
            guard o.checkpoint == nil else { throw UsageError(message: "--sleep-sets cannot be combined with --checkpoint or --resume (a checkpoint does not save sleep sets)") }
            o.limits.sleepSets = true
        }
        o.progress = !o.quiet && (parsed.flags.contains("progress") || isatty(2) != 0)
        return o
    }

    static func run(_ parsed: ParsedArguments, console: Console, engine: any SearchEngine = LocalSearchEngine()) throws(UsageError) -> Int32 {
        let opts = try options(parsed)
        Interrupt.install()
        var exit: Int32 = 0
        for path in try ModelFiles.paths(parsed) {
            guard let model = ModelFiles.load(path, console: console) else { exit = ModelFiles.worst(exit, 2); continue }
            guard let bounds = model.explore, bounds.hasDepth else {
                console.err(model.exploreLocation.map { "\(path):\($0.line):\($0.column): error: the explore block has no 'depth N' line; check needs one" }
                            ?? "\(path):1:1: error: check needs an 'explore { … }' block with 'depth N'")
                exit = ModelFiles.worst(exit, 2)
                continue
            }
            var opts = opts
            if let request = opts.checkpoint {
                guard let plan = CheckpointOptions.plan(request, path: path, symmetry: opts.symmetry, console: console) else {
                    exit = ModelFiles.worst(exit, 2)
                    continue
                }
                opts.limits.checkpoint = plan
            }
            let code = check(model, bounds: bounds, opts, console: console, engine: engine)
            exit = ModelFiles.worst(exit, code)
        }
        return exit
    }

    static func check(_ model: Model, bounds: ExploreBounds, _ opts: Options, console: Console,
                      engine: any SearchEngine = LocalSearchEngine()) -> Int32 {
        model.open(Checker(bounds: bounds, opts: opts, console: console, engine: engine))
    }
}

/// `check` for one model, written once for every design.
struct Checker: ProposalVisitor {
    let bounds: ExploreBounds
    let opts: CheckCommand.Options
    let console: Console
    let engine: any SearchEngine

    func visit<P: Proposal>(_ proposal: P, model: Model) -> Int32 {
        let scenarios = model.scenarios.map { ScenarioRunner.run($0, proposal, model) }
        let failedScenarios = scenarios.filter { !$0.passed }
        let searchModel = ProposalSearchModel(proposal, model: model, symmetry: opts.symmetry)
        var limits = opts.limits
        limits.modelDepth = bounds.depth
        let printer = ProgressPrinter(enabled: opts.progress, console: console)
        var request = SearchRequest()
        request.strategy = opts.strategy
        request.limits = limits
        request.workers = opts.workers
        request.seed = opts.seed
        request.walks = opts.walks
        request.onProgress = { printer.report($0) }
        let result = engine.search(proposal, searchModel, request)
        let report = CheckReport(model: model, searchModel: searchModel, result: result, scenarios: scenarios)
        if let path = opts.traceOut {
            do {
                try (report.json.rendered + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                console.err("modelcheck: error: cannot write '\(path)': \(error.localizedDescription)")
                return 2
            }
        }
        // Only a counterexample has a final state worth drawing: a model that holds draws nothing.
        if let path = opts.dot, result.counterexample == nil {
            console.err("modelcheck: note: no counterexample, so --dot wrote nothing to '\(path)'")
        } else if let path = opts.dot, let trace = result.counterexample {
            let final = trace.steps.last?.state ?? trace.initial
            do {
                try proposal.dot(final, violation: report.violation).write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                console.err("modelcheck: error: cannot write '\(path)': \(error.localizedDescription)")
                return 2
            }
        }
        if opts.json {
            console.out(report.json.rendered)
        } else {
            for r in failedScenarios { console.out(RunCommand.text(model.path, r)) }
            console.out(report.text(quiet: opts.quiet))
        }
        return failedScenarios.isEmpty ? report.exitCode : ModelFiles.worst(report.exitCode, 1)
    }
}

/// Progress lines on stderr, the first after about 2 s, then one every 4 s or so: searches report
/// at least once a second while they work, so no two lines are more than 5 s apart.
final class ProgressPrinter: Sendable {
    let enabled: Bool
    let console: Console
    private let next = Mutex<Double>(2)

    init(enabled: Bool, console: Console) {
        self.enabled = enabled
        self.console = console
    }

    func report(_ p: Explorer.Progress) {
        guard enabled else { return }
        let due = next.withLock { deadline -> Bool in
            guard p.seconds >= deadline else { return false }
            deadline = p.seconds + 4
            return true
        }
        guard due else { return }
        let rate = p.seconds > 0 ? Double(p.distinctStates) / p.seconds : 0
        console.err("progress: \(p.distinctStates) states, queue \(p.queue), depth \(p.depth), \(Int(rate)) states/s, \(String(format: "%.1f", p.seconds)) s")
    }
}
