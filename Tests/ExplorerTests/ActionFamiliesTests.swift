import Testing
import Synchronization
@testable import Explorer

/// Actions as families: listed and generated ones keep their positions, and a state with a great
/// many actions is expanded in batches that the limits interrupt.
@Suite struct ActionFamiliesTests {
    @Test func positionsRunThroughListedAndGeneratedFamiliesInOrder() {
        var f = ActionFamilies<Int>()
        f.append(-1)
        f.append(-2)
        f.append(3, by: 4) { $0 * 10 + $1 }
        f.append(-3)
        f.append(count: 0) { _ in 99 }
        f.append(count: 2) { 100 + $0 }
        let expected = [-1, -2] + (0..<3).flatMap { i in (0..<4).map { i * 10 + $0 } } + [-3, 100, 101]
        #expect(f.count == expected.count)
        #expect(f.all == expected)
        #expect((0..<f.count).map { f[$0] } == expected)
        for start in 0...f.count {
            var it = f.iterator(from: start)
            var rest: [Int] = []
            while let x = it.next() { rest.append(x) }
            #expect(rest == Array(expected[start...]), "from \(start)")
        }
        var batch: [Int] = []
        #expect(f.forEach(from: 5, limit: 4) { _, x in batch.append(x) } == 9)
        #expect(batch == Array(expected[5..<9]))
    }

    /// A model whose one state has `width` generated actions, each to its own successor state.
    struct Wide: StateMachine {
        var width: Int
        var properties: [Property<Int>] = []
        var initialStates: [Int] { [-1] }
        static var producesActionFamilies: Bool { true }
        func actions(of state: Int, into actions: inout [Int]) { if state == -1 { actions.append(contentsOf: 0..<width) } }
        func actions(of state: Int, into families: inout ActionFamilies<Int>) { if state == -1 { families.append(count: width) { $0 } } }
        func successor(of state: Int, after action: Int) -> Int? { action }
        func fingerprint(of state: Int) -> UInt64 {
            var f = Fingerprint()
            f.mix(UInt64(bitPattern: Int64(state)))
            return f.value
        }
    }

    @Test(arguments: [1, 2])
    func generatedActionsGiveTheStatesListedOnesGive(workers: Int) {
        let result = BreadthFirstSearch(model: Wide(width: 5000), workers: workers).run()
        #expect(result.verdict == .holds)
        #expect(result.statistics.distinctStates == 5001)
        #expect(result.statistics.transitions == 5000)
    }

    @Test func maxStatesStopsInsideOneStatesExpansion() {
        let result = BreadthFirstSearch(model: Wide(width: 1 << 22), limits: SearchLimits(maxStates: 1000)).run()
        guard case .incomplete(let reason) = result.verdict else { Issue.record("\(result.verdict)"); return }
        #expect(reason.contains("--max-states"))
        // Stopped after a few batches of the one state, not after its four million actions.
        #expect(result.statistics.transitions < 100_000)
    }

    @Test func aStopRequestStopsInsideOneStatesExpansion() {
        let calls = Atomic<Int>(0)
        var limits = SearchLimits()
        limits.shouldStop = { calls.add(1, ordering: .relaxed).newValue > 3 }
        let result = BreadthFirstSearch(model: Wide(width: 1 << 24), limits: limits).run()
        guard case .incomplete = result.verdict else { Issue.record("\(result.verdict)"); return }
        #expect(result.statistics.transitions < 100_000)
    }

    @Test func aTraceThroughAGeneratedFamilyReplays() {
        let model = Wide(width: 3000)
        let trace = Trace<Wide>.replay(model, root: 0, positions: [2500])
        #expect(trace?.steps.map(\.1) == [2500])
    }
}
