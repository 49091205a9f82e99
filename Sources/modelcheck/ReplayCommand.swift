import Foundation
import IOASIDModel

/// `modelcheck replay`: re-executes a trace written by `check --trace-out` (or `--format json`)
/// against the model, printing each step and what changed, and checks that it still ends in
/// its violation.
enum ReplayCommand {
    static let spec = CommandSpec(
        name: "replay",
        summary: "re-execute a trace, printing each step and what changed",
        usage: "modelcheck replay [--goal NAME] FILE.model TRACE.json",
        options: [OptionSpec(name: "goal", value: "NAME", help: "replay the witness of a goal instead of the violation"),
                  OptionSpec(name: "dot", value: "PATH", help: "write a Graphviz picture of the final state")],
        details: """
        Exit code: 0 the trace reproduces (every step gives its recorded result and the recorded
        invariant is violated at the end), 1 a step's result differs or the violation is gone,
        2 bad input (a malformed or truncated trace is reported as TRACE:1:1).
        """)

    struct Malformed: Error { var message: String }

    static func run(_ parsed: ParsedArguments, console: Console) throws(UsageError) -> Int32 {
        guard parsed.positionals.count == 2 else { throw UsageError(message: "replay: expected FILE.model TRACE.json") }
        let (modelPath, tracePath) = (parsed.positionals[0], parsed.positionals[1])
        guard let model = ModelFiles.load(modelPath, console: console) else { return 2 }
        let text = try InputFiles.read(tracePath)
        let steps: [[String: Any]]
        let invariant: String?
        do {
            (steps, invariant) = try load(text, goal: parsed.values["goal"], model: model, console: console)
        } catch {
            console.err("\(tracePath):1:1: error: \(error.message)\n\(text.split(separator: "\n").first.map(String.init) ?? "")\n^")
            return 2
        }
        return model.open(Replayer(steps: steps, invariant: invariant, tracePath: tracePath, dotPath: parsed.values["dot"], console: console))
    }

    /// The replay of one trace, written once for every design.
    struct Replayer: ProposalVisitor {
        let steps: [[String: Any]]
        let invariant: String?
        let tracePath: String
        let dotPath: String?
        let console: Console

        func visit<P: Proposal>(_ proposal: P, model: Model) -> Int32 {
            var state = proposal.initialState
            var exit: Int32 = 0
            for (i, step) in steps.enumerated() {
                let op: P.Operation
                do {
                    op = try ReplayCommand.operation(step, P.self, model.topology)
                } catch {
                    console.err("\(tracePath):1:1: error: step \(i + 1): \(error.message)")
                    return 2
                }
                let before = state
                let outcome = proposal.apply(op, to: &state)
                let got = ScenarioRunner.describe(outcome)
                let want = step["result"] as? String ?? "?"
                console.out("\(i + 1). \(op.scenarioText(model.topology)) => \(got)\(got == want ? "" : "   (trace says \(want))")")
                for line in proposal.changes(from: before, to: state) { console.out("     " + line) }
                if got != want { exit = 1 }
            }
            var violation: Violation?
            if let invariant {
                if let name = P.invariantNames.first(where: { $0.rawValue == invariant }), let v = proposal.violation(of: name, in: state) {
                    console.out(v.description)
                    violation = v
                } else {
                    console.out("the trace no longer ends in a violation of \(invariant)")
                    exit = 1
                }
            }
            if let path = dotPath {
                do {
                    try proposal.dot(state, violation: violation).write(toFile: path, atomically: true, encoding: .utf8)
                } catch {
                    console.err("modelcheck: error: cannot write '\(path)': \(error.localizedDescription)")
                    return 2
                }
            }
            return exit
        }
    }

    /// The steps (and the violated invariant) of a result object, or of one goal's witness.
    static func load(_ text: String, goal: String?, model: Model, console: Console) throws(Malformed) -> ([[String: Any]], String?) {
        guard let data = text.data(using: .utf8),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw Malformed(message: "not a JSON object (truncated or malformed trace)")
        }
        // A trace records its model and design: another design's trace cannot replay here.
        if let proposal = object["proposal"] {
            guard let name = proposal as? String else { throw Malformed(message: "proposal: expected a string") }
            guard name == model.proposal else {
                throw Malformed(message: "the trace is of proposal '\(name)', the model of '\(model.proposal)'")
            }
        }
        if let path = object["model"] as? String, path != model.path {
            console.err("modelcheck: warning: the trace was written for '\(path)'; replaying it on '\(model.path)'")
        }
        if let goal {
            guard let steps = (object["witnesses"] as? [String: Any])?[goal] as? [[String: Any]] else {
                throw Malformed(message: "no witness for goal '\(goal)' in the trace")
            }
            return (steps, nil)
        }
        guard let violation = object["violation"] as? [String: Any], let steps = violation["trace"] as? [[String: Any]] else {
            throw Malformed(message: "no violation.trace in the trace")
        }
        guard let invariant = violation["invariant"] as? String else { throw Malformed(message: "violation.invariant: expected the name of an invariant") }
        guard model.proposalType.invariantNames.contains(where: { $0.rawValue == invariant }) else {
            let names = model.proposalType.invariantNames.map(\.rawValue).joined(separator: ", ")
            throw Malformed(message: "violation.invariant: unknown invariant '\(invariant)' (the invariants of \(model.proposal): \(names))")
        }
        return (steps, invariant)
    }

    /// One step back into an operation, with the field kinds the language uses.
    static func operation<P: Proposal>(_ step: [String: Any], _: P.Type, _ topology: Topology) throws(Malformed) -> P.Operation {
        let args = step["args"] as? [String: Any] ?? [:]
        guard let name = step["op"] as? String, let (kind, spec) = P.operation(named: name) else {
            throw Malformed(message: "unknown or missing op (the operations of \(P.name): \(P.operationNames.joined(separator: ", ")))")
        }
        var values: [String: ArgValue] = [:]
        for (key, raw) in args {
            guard let kind = spec.fields[key] else { throw Malformed(message: "\(name) has no field '\(key)'") }
            values[key] = try value(raw, kind, topology, field: key)
        }
        guard let op = P.Operation(kind: kind, arguments: values) else { throw Malformed(message: "\(name) is missing a field") }
        return op
    }

    static func number(_ raw: Any, field: String) throws(Malformed) -> UInt64 {
        if let n = raw as? Int, n >= 0 { return UInt64(n) }
        if let s = raw as? String {
            var total: UInt64 = 0
            for term in s.split(separator: "|") {
                if let c = IOMMUFDConstants.named[String(term)] { total |= c; continue }
                guard case .success(let v) = NumberLiteral.parse(term) else { throw Malformed(message: "bad number '\(s)' in \(field)") }
                total |= v
            }
            return total
        }
        throw Malformed(message: "bad value for \(field)")
    }

    static func value(_ raw: Any, _ kind: FieldKind, _ topology: Topology, field: String) throws(Malformed) -> ArgValue {
        switch kind {
        case .u32, .u64, .flags: return .number(try number(raw, field: field))
        case .signed:
            guard let n = raw as? Int else { throw Malformed(message: "bad value for \(field)") }
            return .signed(Int64(n))
        case .device:
            guard let s = raw as? String, let d = topology.devices.firstIndex(where: { $0.name == s }) else {
                throw Malformed(message: "unknown device in \(field)")
            }
            return .device(d)
        case .array:
            guard let a = raw as? [Any] else { throw Malformed(message: "bad array for \(field)") }
            var out: [UInt64] = []
            for x in a { out.append(try number(x, field: field)) }
            return .array(out)
        case .preset:
            guard let s = raw as? String, let p = FormatPreset(rawValue: s) else { throw Malformed(message: "unknown preset in \(field)") }
            return .preset(p)
        case .access:
            guard let s = raw as? String, let a = Access(rawValue: s) else { throw Malformed(message: "bad access in \(field)") }
            return .access(a)
        case .group:
            guard let s = raw as? String, let g = topology.groups.firstIndex(of: s) else { throw Malformed(message: "unknown group in \(field)") }
            return .number(UInt64(g))
        case .container:
            guard let s = raw as? String, let c = topology.containers.firstIndex(of: s) else { throw Malformed(message: "unknown container in \(field)") }
            return .number(UInt64(c))
        case .iommu:
            guard let s = raw as? String, let i = topology.iommus.firstIndex(where: { $0.name == s }) else { throw Malformed(message: "unknown IOMMU in \(field)") }
            return .number(UInt64(i))
        }
    }
}
