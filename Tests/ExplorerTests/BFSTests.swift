import Testing
@testable import Explorer

@Suite struct BFSTests {
    @Test(arguments: [(2, UInt64(3)), (4, 5), (5, 7), (6, 6)])
    func anExhaustiveSearchFindsEveryState(n: Int, modulus: UInt64) {
        let result = BreadthFirstSearch(model: Counters(n: n, modulus: modulus)).run()
        #expect(result.verdict == .holds)
        #expect(result.statistics.distinctStates == Int(pow(modulus, n)))
        #expect(result.statistics.transitions == Int(pow(modulus, n)) * n)
        #expect(result.statistics.maxDepth == n * Int(modulus - 1))
    }

    func pow(_ b: UInt64, _ e: Int) -> UInt64 { (0..<e).reduce(1) { acc, _ in acc * b } }

    @Test func theModelsDepthBoundsTheSearchAndStatesAtItAreChecked() {
        var model = Counters(n: 2, modulus: 7)
        let bounded = BreadthFirstSearch(model: model, limits: SearchLimits(modelDepth: 3)).run()
        #expect(bounded.verdict == .holds)
        #expect(bounded.statistics.distinctStates == 10) // c0 + c1 <= 3
        model.properties = [.always("below-3") { s in Counters.counter(s, 0) + Counters.counter(s, 1) < 3 }]
        let atBound = BreadthFirstSearch(model: model, limits: SearchLimits(modelDepth: 3)).run()
        #expect(atBound.verdict == .violation(property: "below-3"))
        #expect(atBound.counterexample?.steps.count == 3)
    }

    @Test func commandLineLimitsEndIncomplete() {
        let model = Counters(n: 4, modulus: 7)
        let states = BreadthFirstSearch(model: model, limits: SearchLimits(maxStates: 100)).run()
        #expect(states.verdict == .incomplete(reason: "--max-states 100 reached"))
        #expect(states.statistics.distinctStates == 100)
        let depth = BreadthFirstSearch(model: model, limits: SearchLimits(maxDepth: 2)).run()
        #expect(depth.verdict == .incomplete(reason: "--max-depth 2 reached"))
        #expect(depth.statistics.distinctStates == 15) // 1 + 4 + 10
    }

    @Test func goalsGetShortestWitnesses() throws {
        var model = Counters(n: 2, modulus: 5)
        model.properties = [.sometimes("both-two") { s in Counters.counter(s, 0) == 2 && Counters.counter(s, 1) == 2 },
                            .sometimes("never") { _ in false }]
        let result = BreadthFirstSearch(model: model).run()
        #expect(result.verdict == .holds)
        #expect(result.witnesses["both-two"]?.steps.count == 4)
        #expect(result.witnesses["never"] == nil)
    }

    @Test func bytesPerStateCountsTheTableAndTheLinks() {
        let result = BreadthFirstSearch(model: Counters(n: 5, modulus: 7)).run()
        let s = result.statistics
        #expect(s.traceBytes == s.distinctStates * 8)
        #expect(s.visitedBytes >= s.distinctStates * 8 * 4 / 3)
        #expect(s.bytesPerState == Double(s.visitedBytes + s.traceBytes) / Double(s.distinctStates))
        #expect(s.collisionProbability > 0 && s.collisionProbability < 1e-9)
    }
}

extension BFSTests {
    /// The classic figure of issue 11: 8 counters of 0…6 give exactly 7^8 states.
    @Test func theCountersModelHasExactly5764801States() {
        let result = BreadthFirstSearch(model: Counters(n: 8, modulus: 7), limits: SearchLimits(expectedStates: 5_764_801)).run()
        #expect(result.statistics.distinctStates == 5_764_801)
        #expect(result.statistics.transitions == 46_118_408)
    }
}
