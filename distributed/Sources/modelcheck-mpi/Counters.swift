import DistributedExplorer
import Explorer

/// The engine's classic check, distributed: `n` counters modulo `modulus`, one action steps
/// counter i. All modulus^n states are reachable, at depth at most n·(modulus − 1): what
/// `modelcheck-mpi counters N MODULUS` must find on any number of ranks.
struct Counters: StateMachine {
    let n: Int
    let modulus: UInt64

    var initialStates: [UInt64] { [0] }
    var properties: [Property<UInt64>] { [] }
    func actions(of state: UInt64, into actions: inout [Int]) { actions.append(contentsOf: 0..<n) }

    func successor(of state: UInt64, after i: Int) -> UInt64? {
        let shift = UInt64(4 * i)
        let next = ((state >> shift) & 0xf + 1) % modulus
        return state & ~(0xf << shift) | next << shift
    }

    func fingerprint(of state: UInt64) -> UInt64 {
        var f = Fingerprint()
        f.mix(state)
        return f.value
    }

    var encodesStates: Bool { true }
    func encode(_ state: UInt64, into words: inout [UInt64]) { words.append(state) }
    func decode(_ words: UnsafeBufferPointer<UInt64>) -> UInt64? { words.count == 1 ? words[0] : nil }

    /// Runs the search and prints one line on rank 0: states, transitions, depth.
    static func main(_ arguments: [String], comm: Communicator) -> Int32 {
        guard arguments.count == 2, let n = Int(arguments[0]), let m = UInt64(arguments[1]), (1...15).contains(n), (2...15).contains(m) else {
            if comm.rank == 0 { print("usage: modelcheck-mpi counters N MODULUS   (1 ≤ N ≤ 15, 2 ≤ MODULUS ≤ 15)") }
            return 2
        }
        var search = DistributedBFS(model: Counters(n: n, modulus: m), limits: SearchLimits(), comm: comm)
        let s = search.run().statistics
        if comm.rank == 0 { print("\(s.distinctStates) states, \(s.transitions) transitions, depth \(s.maxDepth), \(comm.size) rank(s)") }
        return 0
    }
}
