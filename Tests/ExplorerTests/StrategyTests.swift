import Synchronization
import Testing
@testable import Explorer

/// DFS and random simulation against BFS on the counters model.
@Suite struct StrategyTests {
    @Test(arguments: [(3, 4, UInt64(5)), (2, 6, 7), (4, 3, 3)])
    func dfsVisitsExactlyTheStatesBFSVisitsWithinTheDepth(n: Int, depth: Int, modulus: UInt64) {
        let model = Counters(n: n, modulus: modulus)
        let limits = SearchLimits(modelDepth: depth)
        let bfs = BreadthFirstSearch(model: model, limits: limits).run()
        let dfs = DepthFirstSearch(model: model, limits: limits).run()
        #expect(bfs.verdict == .holds)
        #expect(dfs.verdict == .holds)
        #expect(dfs.statistics.distinctStates == bfs.statistics.distinctStates)
    }

    @Test func dfsFindsAPlantedViolationWithATraceThatReplays() throws {
        var model = Counters(n: 3, modulus: 7)
        model.properties = [.always("sum-not-5") { s in Counters.counter(s, 0) + Counters.counter(s, 1) != 5 }]
        let result = DepthFirstSearch(model: model, limits: SearchLimits(modelDepth: 8)).run()
        #expect(result.verdict == .violation(property: "sum-not-5"))
        let trace = try #require(result.counterexample)
        var state = trace.initial
        for step in trace.steps { state = try #require(model.successor(of: state, after: step.action)) }
        #expect(Counters.counter(state, 0) + Counters.counter(state, 1) == 5)
    }

    @Test func dfsLimitsAreIncomplete() {
        let model = Counters(n: 3, modulus: 7)
        #expect(DepthFirstSearch(model: model, limits: SearchLimits(modelDepth: 6, maxDepth: 2)).run().verdict
                == .incomplete(reason: "--max-depth 2 reached"))
        #expect(DepthFirstSearch(model: model, limits: SearchLimits(maxStates: 50)).run().verdict
                == .incomplete(reason: "--max-states 50 reached"))
    }

    @Test func randomSimulationFindsAViolationOrEndsIncompleteNeverHolds() throws {
        var model = Counters(n: 2, modulus: 7)
        model.properties = [.always("below-3") { s in Counters.counter(s, 0) < 3 }]
        let found = RandomSimulation(model: model, limits: SearchLimits(modelDepth: 10), seed: 7, walks: 100).run()
        #expect(found.verdict == .violation(property: "below-3"))
        let trace = try #require(found.counterexample)
        #expect(Counters.counter(trace.steps.last!.state, 0) == 3)
        let quiet = RandomSimulation(model: Counters(n: 2, modulus: 7), limits: SearchLimits(modelDepth: 5), seed: 7, walks: 10).run()
        guard case .incomplete = quiet.verdict else { Issue.record("random simulation must not say holds"); return }
        let again = RandomSimulation(model: model, limits: SearchLimits(modelDepth: 10), seed: 7, walks: 100).run()
        #expect(again.counterexample?.steps.count == trace.steps.count, "the same seed gives the same walk")
    }

    @Test func aStopRequestEndsEverySearchIncomplete() {
        var limits = SearchLimits()
        limits.shouldStop = { true }
        let model = Counters(n: 8, modulus: 7)
        #expect(BreadthFirstSearch(model: model, limits: limits).run().verdict == .incomplete(reason: "interrupted"))
        #expect(DepthFirstSearch(model: model, limits: limits).run().verdict == .incomplete(reason: "interrupted"))
    }
}

/// Several workers give the single worker's answers.
@Suite struct ParallelBFSTests {
    @Test(arguments: [1, 2, 3])
    func theDistinctStateCountDoesNotDependOnWorkers(workers: Int) {
        let model = Counters(n: 5, modulus: 5)
        let one = BreadthFirstSearch(model: model).run()
        let many = BreadthFirstSearch(model: model, workers: workers).run()
        #expect(many.verdict == .holds)
        #expect(many.statistics.distinctStates == one.statistics.distinctStates)
        #expect(many.statistics.transitions == one.statistics.transitions)
        #expect(many.statistics.workers == workers)
    }

    /// A table sized for 16 states grows many times, between rounds of a level, while 2 or 3
    /// workers insert into it: no state may be lost or counted twice.
    @Test(arguments: [1, 2, 3])
    func theSharedTableGrowsBetweenRoundsWithoutLosingStates(workers: Int) {
        let result = BreadthFirstSearch(model: Counters(n: 6, modulus: 7), limits: SearchLimits(expectedStates: 16),
                                        workers: workers).run()
        #expect(result.verdict == .holds)
        #expect(result.statistics.distinctStates == 117_649)
        #expect(result.statistics.transitions == 117_649 * 6)
    }

    @Test(arguments: [1, 2])
    func aPlantedViolationHasAShortestTraceThatReplays(workers: Int) throws {
        var model = Counters(n: 3, modulus: 7)
        model.properties = [.always("sum-not-5") { s in Counters.counter(s, 0) + Counters.counter(s, 1) != 5 }]
        let result = BreadthFirstSearch(model: model, workers: workers).run()
        #expect(result.verdict == .violation(property: "sum-not-5"))
        let trace = try #require(result.counterexample)
        #expect(trace.steps.count == 5)
        let last = try #require(trace.steps.last?.state)
        #expect(Counters.counter(last, 0) + Counters.counter(last, 1) == 5)
        var state = trace.initial
        for step in trace.steps {
            state = try #require(model.successor(of: state, after: step.action))
            #expect(state == step.state)
        }
    }

    /// Two invariants break at the same depth: the verdict names the first in the model's order
    /// whatever the number of workers, even though the other one's state is found first.
    @Test(arguments: [1, 2, 3])
    func theFirstInvariantInOrderWinsAtTheSameDepth(workers: Int) {
        var model = Counters(n: 3, modulus: 7)
        model.properties = [
            .always("third-below-3") { s in Counters.counter(s, 2) < 3 },
            .always("first-below-3") { s in Counters.counter(s, 0) < 3 },
        ]
        let result = BreadthFirstSearch(model: model, workers: workers).run()
        #expect(result.verdict == .violation(property: "third-below-3"))
        #expect(result.counterexample?.steps.count == 3)
    }

    @Test func limitsAndGoalsBehaveAsInTheSingleWorkerSearch() {
        var model = Counters(n: 2, modulus: 5)
        model.properties = [.sometimes("both-two") { s in Counters.counter(s, 0) == 2 && Counters.counter(s, 1) == 2 }]
        let result = BreadthFirstSearch(model: model, workers: 2).run()
        #expect(result.witnesses["both-two"]?.steps.count == 4)
        let limited = BreadthFirstSearch(model: Counters(n: 4, modulus: 7), limits: SearchLimits(maxDepth: 2), workers: 2).run()
        #expect(limited.verdict == .incomplete(reason: "--max-depth 2 reached"))
        #expect(limited.statistics.distinctStates == 15)
        let bounded = BreadthFirstSearch(model: Counters(n: 2, modulus: 7), limits: SearchLimits(modelDepth: 3), workers: 2).run()
        #expect(bounded.statistics.distinctStates == 10)
    }
}

/// A model whose frontier is kept as words: the same answers as keeping values.
@Suite struct EncodedFrontierTests {
    /// Counters, with `encode`/`decode` (a state is one word) and a count of decodes.
    final class DecodeCount: Sendable {
        let value = Atomic<Int>(0)
    }

    struct EncodedCounters: StateMachine {
        var inner: Counters
        var decodes = DecodeCount()
        var properties: [Property<UInt64>] { inner.properties }
        var initialStates: [UInt64] { inner.initialStates }
        func actions(of state: UInt64, into actions: inout [Int]) { inner.actions(of: state, into: &actions) }
        func successor(of state: UInt64, after action: Int) -> UInt64? { inner.successor(of: state, after: action) }
        func fingerprint(of state: UInt64) -> UInt64 { inner.fingerprint(of: state) }
        var encodesStates: Bool { true }
        func encode(_ state: UInt64, into words: inout [UInt64]) { words += [state, ~state] }
        func decode(_ words: UnsafeBufferPointer<UInt64>) -> UInt64? {
            // Two words a state, the second a check: a mis-sliced frontier would fail here.
            decodes.value.wrappingAdd(1, ordering: .relaxed)
            return words.count == 2 && words[1] == ~words[0] ? words[0] : nil
        }
    }

    @Test(arguments: [1, 2])
    func anEncodedFrontierGivesTheSameSearch(workers: Int) throws {
        var plain = Counters(n: 4, modulus: 5)
        plain.properties = [.always("sum-not-9") { s in (0..<4).map { Counters.counter(s, $0) }.reduce(0, +) != 9 }]
        let encoded = EncodedCounters(inner: plain)
        let a = BreadthFirstSearch(model: plain, workers: workers).run()
        let b = BreadthFirstSearch(model: encoded, workers: workers).run()
        #expect(b.verdict == a.verdict)
        #expect(b.counterexample?.steps.count == 9)
        let model = EncodedCounters(inner: Counters(n: 4, modulus: 5))
        let exhaustive = BreadthFirstSearch(model: model, workers: workers).run()
        #expect(exhaustive.verdict == .holds)
        #expect(exhaustive.statistics.distinctStates == 625)
        // Every state but the initial one was expanded from its encoding.
        #expect(model.decodes.value.load(ordering: .relaxed) == 624)
    }
}
