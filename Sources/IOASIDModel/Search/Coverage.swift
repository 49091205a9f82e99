import Synchronization

/// For each operation kind, how often each outcome occurred (`ok`, an errno, `FAULT`, `capped`):
/// integer counters indexed by the catalog row and an outcome code, one shard per worker, so that
/// counting costs no hashing and no contention.
public final class Coverage<Operation: CatalogOperation>: Sendable {
    private let counts: Mutex<[Int]>
    private let shards: Mutex<[Coverage]>

    public init() {
        counts = Mutex(Array(repeating: 0, count: Operation.catalog.specs.count * CoverageCode.count))
        shards = Mutex([])
    }

    /// A counter for one more worker, summed into this one's snapshot.
    public func shard() -> Coverage {
        let s = Coverage()
        shards.withLock { $0.append(s) }
        return s
    }

    public func record(_ op: Operation, _ outcome: Outcome) {
        switch outcome.status {
        case .ok, .address: record(op, CoverageCode.ok)
        case .fault: record(op, CoverageCode.fault)
        case .errno(let e): record(op, Int(e.rawValue) & 0xff)
        }
    }

    public func record(_ op: Operation, _ code: Int) {
        let index = op.kind.rawValue * CoverageCode.count + code
        counts.withLock { $0[index] += 1 }
    }

    private var raw: [Int] {
        var total = counts.withLock { $0 }
        for s in shards.withLock({ $0 }) { for (i, n) in s.raw.enumerated() { total[i] += n } }
        return total
    }

    /// The raw counters (catalog row × outcome code), to be summed with another process's.
    public var counters: [Int] { raw }

    /// Adds counts taken elsewhere (the other ranks of a distributed search), position by position.
    public func add(_ other: [Int]) {
        counts.withLock { mine in
            for (i, n) in other.enumerated() where i < mine.count { mine[i] += n }
        }
    }

    /// Outcome counts by operation name and outcome word.
    public var snapshot: [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for (i, n) in raw.enumerated() where n > 0 {
            let op = Operation.catalog.specs[i / CoverageCode.count].name
            let code = i % CoverageCode.count
            let word = code == CoverageCode.ok ? "ok" : code == CoverageCode.fault ? "FAULT" : code == CoverageCode.capped ? "capped" : Errno(rawValue: Int32(code)).name
            out[op, default: [:]][word, default: 0] += n
        }
        return out
    }
}

/// The outcome codes of `Coverage`: an errno's value, or one of these.
public enum CoverageCode {
    public static let ok = 256, fault = 257, capped = 258
    static let count = 259
}
