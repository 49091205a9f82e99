import Explorer
import IOASIDModel

/// The result of one `check`: verdict against the model's expectations, statistics, coverage,
/// counterexample and witnesses, in text and in the JSON of `SPEC.md` §3.
struct CheckReport<P: Proposal> {
    let model: Model
    let searchModel: ProposalSearchModel<P>
    let result: SearchResult<ProposalSearchModel<P>>
    let scenarios: [ScenarioResult]

    var verdictWord: String {
        switch result.verdict {
        case .holds: return "holds"
        case .violation: return "violation"
        case .incomplete: return "incomplete"
        }
    }

    /// Goals whose expectation fails (missed reachable, reached unreachable), and those not
    /// settled because a limit stopped the search.
    var goalProblems: (failed: [String], unsettled: [String]) {
        var failed: [String] = [], unsettled: [String] = []
        let exhaustive = result.verdict == .holds
        for goal in model.goals {
            let wantReachable = model.goalExpectations.last { $0.goal == goal.name }?.reachable ?? true
            let reached = result.witnesses[goal.name] != nil
            if reached, !wantReachable { failed.append(goal.name) }
            if !reached, wantReachable { if exhaustive { failed.append(goal.name) } else { unsettled.append(goal.name) } }
            if !reached, !wantReachable, !exhaustive { unsettled.append(goal.name) }
        }
        return (failed, unsettled)
    }

    /// SPEC §1 exit code for the search (scenarios are folded in by the caller).
    var exitCode: Int32 {
        let goals = goalProblems
        var code: Int32
        switch (result.verdict, model.expectation) {
        case (.holds, .holds): code = 0
        case (.holds, .violation): code = 1
        case (.violation(let p), .violation(let want)): code = p == want.rawValue ? 0 : 1
        case (.violation, .holds): code = 1
        case (.incomplete, _): code = 3
        }
        if !goals.failed.isEmpty { code = 1 } else if code == 0, !goals.unsettled.isEmpty { code = 3 }
        return code
    }

    var violation: Violation? {
        guard case .violation(let name) = result.verdict, let trace = result.counterexample else { return nil }
        return searchModel.violation(name, in: trace.steps.last?.state ?? trace.initial)
    }

    func text(quiet: Bool) -> String {
        let s = result.statistics
        var out: [String] = []
        var head = "\(model.path): \(verdictWord)"
        if case .violation(let p) = result.verdict { head += " \(p)" }
        if case .incomplete(let why) = result.verdict { head += " (\(why))" }
        let search = exitCode == 0 ? "as expected" : exitCode == 3 ? "not settled" : "NOT as expected"
        // The search's verdict alone would read as a pass when a scenario failed.
        let failed = scenarios.filter { !$0.passed }
        if failed.isEmpty {
            head += " — expected \(model.expectation); \(search)"
        } else {
            head += " — expected \(model.expectation) (search \(search)); NOT as expected: \(failed.count) scenario\(failed.count == 1 ? "" : "s") failed ("
                + failed.map { "\"\($0.name)\"" + ($0.failure.map { f in " at \(model.path):\(f.location.line)" } ?? "") }.joined(separator: ", ") + ")"
        }
        out.append(head)
        if quiet { return out.joined(separator: "\n") }
        out.append("  \(s.distinctStates) distinct states, \(s.transitions) transitions (\(s.transitions - s.selfLoops) change the state\(s.prunedTransitions > 0 ? "; \(s.prunedTransitions) more pruned by sleep sets" : "")), depth \(s.maxDepth), \(String(format3: s.seconds)) s, \(s.workers) worker(s)")
        let (peak, processPerState) = processMemory
        out.append("  \(Int(s.statesPerSecond)) states/s, \(Int(s.transitionsPerSecond)) transitions/s; bytes/state: \(String(format3: s.visitedBytesPerState)) visited set + \(String(format3: s.traceBytesPerState)) trace + \(String(format3: s.frontierBytesPerState)) largest level; collision probability \(String(format: "%.1e", s.collisionProbability))")
        out.append("  process: peak \(peak / (1 << 20)) MB resident, \(String(format3: processPerState)) bytes per state (everything: tables, frontier, model, runtime)")
        let passed = scenarios.filter(\.passed).count
        if !scenarios.isEmpty { out.append("  scenarios: \(passed) passed, \(scenarios.count - passed) failed") }
        for (name, trace) in result.witnesses.sorted(by: { $0.key < $1.key }) where name != ProposalSearchModel<P>.staleGuestWarning {
            out.append("  goal \(name) reached in \(trace.steps.count) steps:")
            out += steps(trace).map { "    " + $0 }
        }
        let goals = goalProblems
        for g in goals.failed { out.append("  goal \(g): NOT as expected") }
        for g in goals.unsettled { out.append("  goal \(g): not settled before the limit") }
        if let trace = result.counterexample {
            out.append("  counterexample (\(trace.steps.count) steps):")
            out += steps(trace).map { "    " + $0 }
            if let v = violation { out.append("  \(v)") }
        }
        for warning in coverageWarnings { out.append("  warning: \(warning)") }
        if let trace = result.witnesses[ProposalSearchModel<P>.staleGuestWarning] {
            out.append("  warning: stale-guest-iotlb — a guest-filled IOTLB entry outlives its stage-1 mapping until the guest invalidates it (\(trace.steps.count) steps):")
            out += steps(trace).map { "    " + $0 }
        }
        return out.joined(separator: "\n")
    }

    /// Numbered steps, each with its operation, outcome and only what changed.
    func steps(_ trace: Trace<ProposalSearchModel<P>>) -> [String] {
        var out: [String] = []
        var before = trace.initial
        let topology = model.topology
        for (i, step) in trace.steps.enumerated() {
            let (_, outcome) = searchModel.proposal.apply(step.action, to: before)
            out.append("\(i + 1). \(step.action.scenarioText(topology)) => \(ScenarioRunner.describe(outcome))")
            out += searchModel.proposal.changes(from: before, to: step.state).map { "     " + $0 }
            before = step.state
        }
        return out
    }

    var coverageWarnings: [String] {
        let cov = searchModel.coverage.snapshot
        return cov.keys.sorted().compactMap { op in
            let outcomes = cov[op]!
            return (outcomes["ok"] ?? 0) == 0 ? "\(op) never succeeded in this model" : nil
        }
    }

    func traceJSON(_ trace: Trace<ProposalSearchModel<P>>) -> JSON {
        var before = trace.initial
        return .array(trace.steps.map { step in
            let (_, outcome) = searchModel.proposal.apply(step.action, to: before)
            before = step.state
            return .object([("op", .string(step.action.name)), ("args", step.action.argumentsJSON(model.topology)),
                            ("result", .string(ScenarioRunner.describe(outcome)))])
        })
    }

    /// The process's peak resident bytes, and per distinct state.
    var processMemory: (peak: Int, perState: Double) {
        let peak = PeakMemory.bytes, states = result.statistics.distinctStates
        return (peak, states > 0 ? Double(peak) / Double(states) : 0)
    }

    var json: JSON {
        let s = result.statistics
        let memory = processMemory
        var fields: [(String, JSON)] = [
            ("model", .string(model.path)), ("proposal", .string(model.proposal)),
            ("verdict", .string(verdictWord)), ("expected", .string(model.expectation.description)),
            ("ok", .bool(exitCode == 0 && scenarios.allSatisfy(\.passed))),
            ("failedScenarios", .array(scenarios.filter { !$0.passed }.map { r in
                .object([("name", .string(r.name))] + (r.failure.map { f in
                    [("at", .string("\(model.path):\(f.location.line):\(f.location.column)")), ("step", .int(f.step)),
                     ("expected", .string(f.expected)), ("actual", .string(f.actual))]
                } ?? []))
            })),
            ("stats", .object([("distinctStates", .int(s.distinctStates)), ("transitions", .int(s.transitions)), ("maxDepth", .int(s.maxDepth)),
                               ("seconds", .double(s.seconds)), ("statesPerSecond", .double(s.statesPerSecond)), ("workers", .int(s.workers)),
                               ("bytesPerState", .double(s.bytesPerState)),
                               ("visitedBytesPerState", .double(s.visitedBytesPerState)),
                               ("visitedLoad", .double(s.visitedLoad)),
                               ("traceBytesPerState", .double(s.traceBytesPerState)),
                               ("frontierBytesPerState", .double(s.frontierBytesPerState)),
                               ("peakFrontierBytes", .int(s.peakFrontierBytes)),
                               ("peakResidentBytes", .int(memory.peak)),
                               ("processBytesPerState", .double(memory.perState)),
                               ("stateChangingTransitions", .int(s.transitions - s.selfLoops)),
                               ("prunedTransitions", .int(s.prunedTransitions))])),
            ("coverage", .object(searchModel.coverage.snapshot.sorted { $0.key < $1.key }.map { op, outcomes in
                (op, .object(outcomes.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) }))
            })),
        ]
        if case .incomplete(let why) = result.verdict { fields.append(("reason", .string(why))) }
        if let trace = result.counterexample, case .violation(let name) = result.verdict {
            fields.append(("violation", .object([("invariant", .string(name)), ("message", .string(violation?.description ?? name)),
                                                 ("trace", traceJSON(trace))])))
        }
        if !model.goals.isEmpty {
            fields.append(("goals", .object(model.goals.map { ($0.name, .string(result.witnesses[$0.name] == nil ? "unreachable" : "reachable")) })))
            fields.append(("witnesses", .object(result.witnesses.sorted { $0.key < $1.key }
                .filter { $0.key != ProposalSearchModel<P>.staleGuestWarning }.map { ($0.key, traceJSON($0.value)) })))
        }
        if let trace = result.witnesses[ProposalSearchModel<P>.staleGuestWarning] {
            fields.append(("warnings", .array([.object([("kind", .string(ProposalSearchModel<P>.staleGuestWarning)), ("trace", traceJSON(trace))])])))
        }
        return .object(fields)
    }
}

extension CatalogOperation {
    /// The operation's fields as SPEC §3 writes a trace step's `args`.
    func argumentsJSON(_ topology: Topology) -> JSON {
        .object(arguments(topology).map { name, value in
            switch value {
            case .number(let n): return (name, .int(Int(truncatingIfNeeded: n)))
            case .signed(let n): return (name, .int(Int(n)))
            case .address(let a): return (name, .address(a))
            case .word(let w): return (name, .string(w))
            case .addresses(let a): return (name, .array(a.map(JSON.address)))
            }
        })
    }
}
