import Synchronization

/// For each operation kind, how often each outcome occurred (`ok`, an errno, `FAULT`, `capped`):
/// integer counters indexed by the catalog row and an outcome code, one shard per worker, so that
/// counting costs no hashing and no contention.
public final class Coverage<Operation: CatalogOperation>: @unchecked Sendable {
    /// One atomic counter per (catalog row, outcome code), at a fixed address for the object's
    /// life: a relaxed add per transition, where a lock cost a few percent of a domain search.
    /// (`@unchecked`: the pointer is only ever used through the atomics it holds.)
    private let counts: UnsafeMutablePointer<Atomic<Int>>
    private let count: Int
    private let shards: Mutex<[Coverage]>

    public init() {
        count = Operation.catalog.specs.count * CoverageCode.count
        counts = .allocate(capacity: count)
        for i in 0..<count { (counts + i).initialize(to: Atomic(0)) }
        shards = Mutex([])
    }

    deinit {
        counts.deinitialize(count: count)
        counts.deallocate()
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
        counts[index].wrappingAdd(1, ordering: .relaxed)
    }

    private var raw: [Int] {
        var total = (0..<count).map { counts[$0].load(ordering: .relaxed) }
        for s in shards.withLock({ $0 }) { for (i, n) in s.raw.enumerated() { total[i] += n } }
        return total
    }

    /// The raw counters (catalog row × outcome code), to be summed with another process's.
    public var counters: [Int] { raw }

    /// Adds counts taken elsewhere (the other ranks of a distributed search), position by position.
    public func add(_ other: [Int]) {
        for (i, n) in other.enumerated() where i < count { counts[i].wrappingAdd(n, ordering: .relaxed) }
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
