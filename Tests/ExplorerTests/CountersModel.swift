import Explorer

/// The classic engine benchmark: `n` counters of `modulus` values each, packed 4 bits apiece in one
/// word; action i steps counter i to (c + 1) mod `modulus`. All `modulus^n` states are reachable.
struct Counters: StateMachine {
    var n: Int
    var modulus: UInt64
    var properties: [Property<UInt64>] = []

    var initialStates: [UInt64] { [0] }

    func actions(of state: UInt64, into actions: inout [Int]) {
        for i in 0..<n { actions.append(i) }
    }

    func successor(of state: UInt64, after i: Int) -> UInt64? {
        let shift = UInt64(4 * i)
        let c = (state >> shift) & 0xf
        return (state & ~(0xf << shift)) | (((c + 1) % modulus) << shift)
    }

    func fingerprint(of state: UInt64) -> UInt64 {
        var f = Fingerprint()
        f.mix(state)
        return f.value
    }

    static func counter(_ state: UInt64, _ i: Int) -> UInt64 { (state >> UInt64(4 * i)) & 0xf }
}
