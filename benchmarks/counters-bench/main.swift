// Engine-only benchmark: 8 counters of 0…6, each stepping to (c + 1) mod 7 — 7^8 = 5,764,801
// states, 8 successors each, an 8-byte state. Run by hand, never in CI:
//
//     swift run -c release counters-bench [--expected-states] [--workers N]
//
import Explorer

struct Counters: StateMachine {
    var properties: [Property<UInt64>] { [] }
    var initialStates: [UInt64] { [0] }
    func actions(of state: UInt64, into actions: inout [UInt8]) {
        for i in 0..<UInt8(8) { actions.append(i) }
    }
    func successor(of state: UInt64, after i: UInt8) -> UInt64? {
        let shift = UInt64(i) * 4
        let c = (state >> shift) & 0xf
        return (state & ~(0xf << shift)) | ((c == 6 ? 0 : c + 1) << shift)
    }
    func fingerprint(of state: UInt64) -> UInt64 {
        var f = Fingerprint()
        f.mix(state)
        return f.value
    }
}

let presized = CommandLine.arguments.contains("--expected-states")
let limits = SearchLimits(expectedStates: presized ? 5_764_801 : 1 << 16)
let workersArg = CommandLine.arguments.firstIndex(of: "--workers").flatMap { i in
    i + 1 < CommandLine.arguments.count ? Int(CommandLine.arguments[i + 1]) : nil
} ?? 1
let result = workersArg > 0 && CommandLine.arguments.contains("--parallel")
    ? ParallelBreadthFirstSearch(model: Counters(), limits: limits, workers: workersArg).run()
    : BreadthFirstSearch(model: Counters(), limits: limits).run()
let s = result.statistics
print("states     transitions  seconds  states/s   visited B/state  trace B/state  workers")
print("\(s.distinctStates)  \(s.transitions)     \(String(Int(s.seconds * 1000)))ms   \(Int(s.statesPerSecond))    \(Double(s.visitedBytes) / Double(s.distinctStates))   \(Double(s.traceBytes) / Double(s.distinctStates))   \(s.workers)")
if s.distinctStates != 5_764_801 { print("error: expected 5,764,801 states") }
