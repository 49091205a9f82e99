import Testing
@testable import Explorer

/// Counters that commute, and one action that does not: action i < n steps counter i (mod
/// `modulus`), action n sets every counter to 1 — so states are reached both through commuting
/// orders (which sleep sets prune) and through the reset (which they must not). Encoded, as
/// sleep sets need; the footprint of action i is bit i, the reset's everything. `lies` makes the
/// reset claim to commute with everything: a false relation, which must lose states.
struct CommutingCounters: StateMachine {
    var n: Int
    var modulus: UInt64
    var lies = false
    var properties: [Property<UInt64>] = []

    var initialStates: [UInt64] { [0] }

    func actions(of state: UInt64, into actions: inout [Int]) {
        for i in 0...n { actions.append(i) }
    }

    /// The steps and fingerprints are the plain counters'.
    var counters: Counters { Counters(n: n, modulus: modulus) }

    func successor(of state: UInt64, after i: Int) -> UInt64? {
        i == n ? (0..<n).reduce(0) { $0 | 1 << UInt64(4 * $1) } : counters.successor(of: state, after: i)
    }

    func fingerprint(of state: UInt64) -> UInt64 { counters.fingerprint(of: state) }

    var encodesStates: Bool { true }
    func encode(_ state: UInt64, into words: inout [UInt64]) { words.append(state) }
    func decode(_ words: UnsafeBufferPointer<UInt64>) -> UInt64? { words.count == 1 ? words[0] : nil }

    func sleepKey(of i: Int) -> UInt64? { UInt64(i) }
    func footprint(of i: Int, in state: UInt64) -> Footprint {
        i == n ? (lies ? Footprint(reads: 0, writes: 0) : .everything) : Footprint(reads: 1 << UInt64(i), writes: 1 << UInt64(i))
    }

}

@Suite struct SleepSetTests {
    func run(_ model: CommutingCounters, depth: Int? = nil, workers: Int = 1, sleepSets: Bool) -> SearchResult<CommutingCounters> {
        var limits = SearchLimits(modelDepth: depth)
        limits.sleepSets = sleepSets
        return BreadthFirstSearch(model: model, limits: limits, workers: workers).run()
    }

    @Test(arguments: [(3, UInt64(4), nil), (4, 5, 6), (5, 3, nil), (6, 3, 5)] as [(Int, UInt64, Int?)], [1, 2])
    func theSameStatesAtTheSameDepthsWithFewerTransitions(_ shape: (Int, UInt64, Int?), workers: Int) {
        let model = CommutingCounters(n: shape.0, modulus: shape.1)
        let plain = run(model, depth: shape.2, workers: workers, sleepSets: false)
        let pruned = run(model, depth: shape.2, workers: workers, sleepSets: true)
        #expect(pruned.verdict == plain.verdict)
        #expect(pruned.statistics.distinctStates == plain.statistics.distinctStates)
        #expect(pruned.statistics.maxDepth == plain.statistics.maxDepth)
        // Every state is expanded once either way: the actions not taken are exactly the difference.
        #expect(pruned.statistics.transitions + pruned.statistics.prunedTransitions == plain.statistics.transitions)
        #expect(pruned.statistics.prunedTransitions * 3 > plain.statistics.transitions)
    }

    @Test func shortestCounterexamplesAndWitnessesKeepTheirLength() throws {
        var model = CommutingCounters(n: 4, modulus: 5)
        model.properties = [.sometimes("three-and-two") { Counters.counter($0, 1) == 3 && Counters.counter($0, 2) == 2 },
                            .always("not-all-two") { s in (0..<4).contains { Counters.counter(s, $0) != 2 } }]
        let plain = run(model, sleepSets: false)
        let pruned = run(model, sleepSets: true)
        #expect(plain.verdict == .violation(property: "not-all-two"))
        #expect(pruned.verdict == plain.verdict)
        // Reset (1,1,1,1) then one step per counter: 5 steps, shorter than the 8 of counting alone.
        #expect(plain.counterexample?.steps.count == 5)
        #expect(pruned.counterexample?.steps.count == 5)
        let end = try #require(pruned.counterexample?.steps.last?.state)
        #expect((0..<4).allSatisfy { Counters.counter(end, $0) == 2 })
        #expect(pruned.witnesses["three-and-two"]?.steps.count == plain.witnesses["three-and-two"]?.steps.count)
    }

    /// The test of the tests: a relation that says the reset commutes with the steps prunes
    /// states away, and the comparison above sees it.
    @Test func aFalseIndependenceRelationLosesStates() {
        var model = CommutingCounters(n: 4, modulus: 5)
        let plain = run(model, depth: 6, sleepSets: false)
        model.lies = true
        let pruned = run(model, depth: 6, sleepSets: true)
        #expect(pruned.statistics.distinctStates < plain.statistics.distinctStates)
    }

    @Test func aModelWithoutFootprintsIsSearchedAsBefore() {
        let plain = BreadthFirstSearch(model: Counters(n: 4, modulus: 4)).run()
        var limits = SearchLimits()
        limits.sleepSets = true
        let asked = BreadthFirstSearch(model: Counters(n: 4, modulus: 4), limits: limits).run()
        #expect(asked.statistics == plain.statistics.with(seconds: asked.statistics.seconds))
        #expect(asked.statistics.prunedTransitions == 0)
    }
}

extension Statistics {
    func with(seconds: Double) -> Statistics {
        var s = self
        s.seconds = seconds
        return s
    }
}
