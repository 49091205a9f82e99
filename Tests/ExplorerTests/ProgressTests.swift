import Foundation
import Synchronization
import Testing
@testable import Explorer

/// A fan whose middle level is slow: the root offers 1,024 states, each of which offers 128
/// leaves, and each of those steps costs 20 µs — one level of about 2.6 s.
struct SlowFan: StateMachine {
    var initialStates: [UInt64] { [0] }
    var properties: [Property<UInt64>] { [] }
    func actions(of state: UInt64, into actions: inout [Int]) {
        switch state >> 32 {
        case 0: actions.append(contentsOf: 0..<1024)
        case 1: actions.append(contentsOf: 0..<128)
        default: break
        }
    }
    func successor(of state: UInt64, after i: Int) -> UInt64? {
        let level = state >> 32
        if level == 1 {
            let until = ContinuousClock().now + .microseconds(20)
            while ContinuousClock().now < until {}
        }
        return (level + 1) << 32 | (state & 0xffff_ffff) << 7 | UInt64(i)
    }
    func fingerprint(of state: UInt64) -> UInt64 {
        var f = Fingerprint()
        f.mix(state)
        return f.value
    }
}

/// SPEC asks for a progress line at least every 5 s: a BFS reports at least once a second while
/// it works, inside a level too, with one worker and with several (it used to report every 4,096
/// expanded states of one round, and rounds are short while the visited table is nearly full).
@Suite struct ProgressTests {
    @Test(arguments: [1, 2])
    func breadthFirstReportsAtLeastOnceASecond(workers: Int) {
        let seen = Mutex<[Double]>([])
        let search = BreadthFirstSearch(model: SlowFan(), limits: SearchLimits(expectedStates: 16), workers: workers) { p in
            seen.withLock { $0.append(p.seconds) }
        }
        let result = search.run()
        #expect(result.verdict == .holds)
        #expect(result.statistics.distinctStates == 1 + 1024 + 1024 * 128)
        let times = [0] + seen.withLock { $0 } + [result.statistics.seconds]
        let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
        #expect(result.statistics.seconds > 1, "the search should last long enough to need progress")
        #expect(gaps.max() ?? 0 < 1.6, "a gap of \(gaps.max() ?? 0) s between progress reports")
    }
}
