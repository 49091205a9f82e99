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
        2 bad input: a malformed or truncated trace, a value of the wrong type or out of range, an
        unknown operation, field or name, or a trace of another design — reported as
        TRACE:LINE:COL with the JSON path of the bad value (violation.trace[3].args.ioas_id).
        """)

    /// A trace that cannot be replayed here: what is wrong, and the JSON path of the value.
    struct Malformed: Error {
        var message: String
        var path = JSONPath()
        /// Reported where the text ends (a truncated trace).
        var atEnd = false
    }

    static func run(_ parsed: ParsedArguments, console: Console) throws(UsageError) -> Int32 {
        guard parsed.positionals.count == 2 else { throw UsageError(message: "replay: expected FILE.model TRACE.json") }
        let (modelPath, tracePath) = (parsed.positionals[0], parsed.positionals[1])
        guard let model = ModelFiles.load(modelPath, console: console) else { return 2 }
        let text = try InputFiles.read(tracePath)
        do {
            let (steps, invariant, base) = try load(text, goal: parsed.values["goal"], model: model, console: console)
            return try model.open(Replayer(steps: steps, base: base, invariant: invariant, dotPath: parsed.values["dot"], console: console)).get()
        } catch {
            let (line, column) = error.atEnd ? JSONLocator.truncation(of: text) ?? (1, 1) : JSONLocator.locate(error.path, in: text)
            let at = error.path.components.isEmpty ? "" : "\(error.path): "
            console.err("\(tracePath):\(line):\(column): error: \(at)\(error.message)")
            return 2
        }
    }

    /// The replay of one trace, written once for every design: every step is read back into an
    /// operation first (a bad one is exit 2 before anything runs), then each is applied once, in
    /// place, to one state.
    struct Replayer: ProposalVisitor {
        let steps: [TraceStep]
        /// Where the steps sit in the file (`violation.trace` or `witnesses.NAME`).
        let base: JSONPath
        let invariant: String?
        let dotPath: String?
        let console: Console

        func visit<P: Proposal>(_ proposal: P, model: Model) -> Result<Int32, Malformed> {
            var ops: [P.Operation] = []
            for (i, step) in steps.enumerated() {
                do {
                    ops.append(try ReplayCommand.operation(step, P.self, model.topology, at: base + i))
                } catch {
                    return .failure(error)
                }
            }
            var state = proposal.initialState
            var exit: Int32 = 0
            for (i, op) in ops.enumerated() {
                let before = state
                let outcome = proposal.apply(op, to: &state)
                let got = ScenarioRunner.describe(outcome)
                let want = steps[i].result
                let same = ScenarioRunner.sameResult(got, want)
                console.out("\(i + 1). \(op.scenarioText(model.topology)) => \(got)\(same ? "" : "   (trace says \(want))")")
                for line in proposal.changes(from: before, to: state) { console.out("     " + line) }
                if !same { exit = 1 }
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
                    return .success(2)
                }
            }
            return .success(exit)
        }
    }

    /// The steps (and the violated invariant) of a result object, or of one goal's witness, with
    /// the JSON path of the steps.
    static func load(_ text: String, goal: String?, model: Model, console: Console) throws(Malformed) -> ([TraceStep], String?, JSONPath) {
        let file: TraceFile
        do {
            file = try JSONDecoder().decode(TraceFile.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw malformed(error)
        } catch {
            throw Malformed(message: "not a JSON trace (\(error.localizedDescription))")
        }
        // A trace records its model and design: another design's trace cannot replay here.
        if let name = file.proposal, name != model.proposal {
            throw Malformed(message: "the trace is of proposal '\(name)', the model of '\(model.proposal)'", path: JSONPath() + "proposal")
        }
        if let path = file.model, path != model.path {
            console.err("modelcheck: warning: the trace was written for '\(path)'; replaying it on '\(model.path)'")
        }
        if let goal {
            guard let steps = file.witnesses?[goal] else {
                let known = (file.witnesses ?? [:]).keys.sorted()
                throw Malformed(message: "no witness for goal '\(goal)' in the trace" + (known.isEmpty ? "" : " (it has: \(known.joined(separator: ", ")))"),
                                path: JSONPath() + "witnesses")
            }
            return (steps, nil, JSONPath() + "witnesses" + goal)
        }
        guard let violation = file.violation else { throw Malformed(message: "no violation.trace in the trace (is it of a model that holds? try --goal)") }
        let at = JSONPath() + "violation"
        guard let invariant = violation.invariant else { throw Malformed(message: "expected the name of the violated invariant", path: at + "invariant") }
        guard model.proposalType.invariantNames.contains(where: { $0.rawValue == invariant }) else {
            let names = model.proposalType.invariantNames.map(\.rawValue).joined(separator: ", ")
            throw Malformed(message: "unknown invariant '\(invariant)' (the invariants of \(model.proposal): \(names))", path: at + "invariant")
        }
        return (violation.trace, invariant, at + "trace")
    }

    static func malformed(_ error: DecodingError) -> Malformed {
        switch error {
        case .typeMismatch(let type, let c):
            let what = c.debugDescription.hasPrefix("expected") ? c.debugDescription : "expected \(describe(type))"
            return Malformed(message: what, path: JSONPath(codingPath: c.codingPath))
        case .valueNotFound(let type, let c):
            return Malformed(message: "expected \(describe(type)), found null", path: JSONPath(codingPath: c.codingPath))
        case .keyNotFound(let key, let c):
            return Malformed(message: "missing member '\(key.stringValue)'", path: JSONPath(codingPath: c.codingPath))
        case .dataCorrupted(let c):
            return Malformed(message: "not valid JSON (a truncated or malformed trace)", path: JSONPath(codingPath: c.codingPath),
                             atEnd: c.codingPath.isEmpty)
        @unknown default:
            return Malformed(message: "not a trace")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        if type == String.self { return "a string" }
        if type is [Any].Type { return "a list" }
        if String(describing: type).hasPrefix("Dictionary") { return "an object" }
        return "a value of type \(type)"
    }

    /// One step back into an operation, with the field kinds the language uses.
    static func operation<P: Proposal>(_ step: TraceStep, _: P.Type, _ topology: Topology, at path: JSONPath) throws(Malformed) -> P.Operation {
        guard let (kind, spec) = P.operation(named: step.op) else {
            throw Malformed(message: Suggestion.message("unknown operation '\(step.op)' of \(P.name)", for: step.op, in: P.operationNames),
                            path: path + "op")
        }
        var values: [String: ArgValue] = [:]
        for (key, raw) in step.args ?? [:] {
            let at = path + "args" + key
            guard let kind = spec.fields[key] else {
                throw Malformed(message: Suggestion.message("\(step.op) has no field '\(key)'", for: key, in: spec.fieldOrder), path: at)
            }
            values[key] = try value(raw, kind, topology, at: at)
        }
        guard let op = P.Operation(kind: kind, arguments: values) else {
            let missing = spec.fieldOrder.filter { values[$0] == nil }
            throw Malformed(message: "\(step.op) is missing a field (it has: \(spec.fieldOrder.joined(separator: ", ")); not given: \(missing.joined(separator: ", ")))",
                            path: path + "args")
        }
        return op
    }

    /// A number field: a JSON integer, or a string as the language writes numbers (`0x1000`,
    /// `4K`, constant names joined by `|`); at most `max`.
    static func number(_ raw: TraceValue, max: UInt64, at path: JSONPath) throws(Malformed) -> UInt64 {
        let v: UInt64
        switch raw {
        case .number(let n): v = n
        case .negative(let n): throw Malformed(message: "\(n) is negative; expected a number from 0 to \(max)", path: path)
        case .list: throw Malformed(message: "expected a number, found a list", path: path)
        case .text(let s):
            var total: UInt64 = 0
            for term in s.split(separator: "|", omittingEmptySubsequences: false) {
                if let c = IOMMUFDConstants.named[String(term)] { total |= c; continue }
                guard case .success(let n) = NumberLiteral.parse(term) else {
                    throw Malformed(message: "'\(s)' is not a number or a known constant", path: path)
                }
                total |= n
            }
            v = total
        }
        guard v <= max else { throw Malformed(message: "\(v) is out of range (at most \(SizeText.hex(max)) here)", path: path) }
        return v
    }

    static func name(_ raw: TraceValue, _ what: String, in names: [String], at path: JSONPath) throws(Malformed) -> Int {
        guard case .text(let s) = raw else { throw Malformed(message: "expected the name of \(what)", path: path) }
        guard let i = names.firstIndex(of: s) else { throw Malformed(message: Suggestion.message("unknown \(what) '\(s)'", for: s, in: names), path: path) }
        return i
    }

    static func value(_ raw: TraceValue, _ kind: FieldKind, _ topology: Topology, at path: JSONPath) throws(Malformed) -> ArgValue {
        switch kind {
        case .u32, .flags: return .number(try number(raw, max: UInt64(UInt32.max), at: path))
        case .u64: return .number(try number(raw, max: .max, at: path))
        case .signed:
            switch raw {
            case .negative(let n): return .signed(n)
            case .number(let n) where n <= UInt64(Int64.max): return .signed(Int64(n))
            default: throw Malformed(message: "expected a signed 64-bit number", path: path)
            }
        case .device: return .device(try name(raw, "device", in: topology.devices.map(\.name), at: path))
        case .array:
            guard case .list(let items) = raw else { throw Malformed(message: "expected a list of numbers", path: path) }
            var out: [UInt64] = []
            for (i, x) in items.enumerated() { out.append(try number(x, max: .max, at: path + i)) }
            return .array(out)
        case .preset:
            let presets = FormatPreset.allCases.map(\.rawValue)
            return .preset(FormatPreset.allCases[try name(raw, "format preset", in: presets, at: path)])
        case .access:
            return .access(try name(raw, "access", in: ["read", "write"], at: path) == 0 ? .read : .write)
        case .group: return .number(UInt64(try name(raw, "group", in: topology.groups, at: path)))
        case .container: return .number(UInt64(try name(raw, "container", in: topology.containers, at: path)))
        case .iommu: return .number(UInt64(try name(raw, "IOMMU", in: topology.iommus.map(\.name), at: path)))
        }
    }
}
