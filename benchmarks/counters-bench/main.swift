// Engine-only benchmark: 8 counters of 0…6, each stepping to (c + 1) mod 7 — 7^8 = 5,764,801
// states, 8 successors each, an 8-byte state. Run by hand, never in CI:
//
//     swift run -c release counters-bench [--runs N] [--workers 1,2]
//
// Each configuration (workers × pre-sized or grown visited set) runs N times (default 3); the
// table shows the best and median rates, because a shared machine's noise only ever slows a run.
// Rows marked "q" use the compact quotient visited set (`--compact-visited`); "visited B/state"
// is the final table's bytes over the states, and "load" the final states over slots.
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

func option(_ name: String) -> String? {
    CommandLine.arguments.firstIndex(of: name).flatMap { i in
        i + 1 < CommandLine.arguments.count ? CommandLine.arguments[i + 1] : nil
    }
}

let runs = option("--runs").flatMap(Int.init) ?? 3
let workerCounts = (option("--workers") ?? "1,2").split(separator: ",").compactMap { Int($0) }
let expected = 5_764_801

func twoDecimals(_ x: Double) -> String {
    let hundredths = Int((x * 100).rounded())
    let cents = hundredths % 100
    return "\(hundredths / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
}

func column(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }

print([column("workers", 7), column("visited set", 11), column("states", 9), column("transitions", 11),
       column("best s", 7), column("best states/s", 13), column("median states/s", 15),
       column("visited B/state", 15), column("load", 5), column("trace B/state", 13)].joined(separator: "  "))
var failed = false
for workers in workerCounts {
    for (presized, compact) in [(true, false), (false, false), (true, true), (false, true)] {
        var results: [Statistics] = []
        for _ in 0..<runs {
            var limits = SearchLimits(expectedStates: presized ? expected : 1 << 16)
            limits.compactVisitedSet = compact
            results.append(BreadthFirstSearch(model: Counters(), limits: limits, workers: workers).run().statistics)
        }
        let rates = results.map(\.statesPerSecond).sorted()
        let best = results.min { $0.seconds < $1.seconds }!
        if results.contains(where: { $0.distinctStates != expected }) { failed = true }
        print([column("\(workers)", 7), column((presized ? "pre-sized" : "grown") + (compact ? " q" : ""), 11), column("\(best.distinctStates)", 9),
               column("\(best.transitions)", 11), column(String(Int(best.seconds * 1000)) + "ms", 7),
               column("\(Int(rates.last!))", 13), column("\(Int(rates[rates.count / 2]))", 15),
               column(twoDecimals(best.visitedBytesPerState), 15), column(twoDecimals(best.visitedLoad), 5),
               column(twoDecimals(best.traceBytesPerState), 13)].joined(separator: "  "))
    }
}
if failed { print("error: expected \(expected) states") }
