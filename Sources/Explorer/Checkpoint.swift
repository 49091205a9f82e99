#if canImport(Glibc)
import Glibc
#endif

/// Where a breadth-first search saves each finished level, and the level it resumes from.
///
/// After every level the search writes what the next level needs — the visited set's
/// fingerprints, the parent links, the level's states as the model encodes them, the goals
/// reached and the running figures — to `DIR/checkpoint` (through a temporary file, synced and
/// renamed, so a crash mid-write leaves the previous checkpoint whole). A resumed search starts
/// from that level and reaches the result of an uninterrupted one: the same states, transitions
/// and verdict.
public struct CheckpointPlan: Sendable {
    public var directory: String
    /// Identifies the model and the options that shape its state space; a checkpoint written
    /// under another key is refused.
    public var key: UInt64
    /// The checkpoint to resume from, already read and checked (`Checkpoint.read`).
    public var resume: Checkpoint?

    public init(directory: String, key: UInt64, resume: Checkpoint? = nil) {
        self.directory = directory
        self.key = key
        self.resume = resume
    }

    public var path: String { directory + "/checkpoint" }
}

/// A saved level (see `CheckpointPlan`).
public final class Checkpoint: Sendable {
    static let magic: UInt64 = 0x3150_4b43_4449_5341 // "ASIDCKP1", little-endian

    public let key: UInt64
    /// Levels finished: the saved states are at this depth.
    public let depth: Int
    public let firstID: UInt32
    public let maxActions: Int
    public let transitions: Int
    public let selfLoops: Int
    public let maxDepth: Int
    public let seconds: Double
    /// Goals reached, by index, with the path to the first state reaching each.
    public let goalPaths: [(goal: Int, root: Int, steps: [Int])]
    public let fingerprints: [UInt64]
    public let parents: [UInt32]
    public let actions: [UInt32]
    /// The level's states as the model's words: state `i` is `words[ends[i - 1] ..< ends[i]]`.
    public let words: [UInt64]
    public let ends: [Int]

    init(key: UInt64, depth: Int, firstID: UInt32, maxActions: Int, transitions: Int, selfLoops: Int, maxDepth: Int,
         seconds: Double, goalPaths: [(goal: Int, root: Int, steps: [Int])], fingerprints: [UInt64], parents: [UInt32],
         actions: [UInt32], words: [UInt64], ends: [Int]) {
        self.key = key
        self.depth = depth
        self.firstID = firstID
        self.maxActions = maxActions
        self.transitions = transitions
        self.selfLoops = selfLoops
        self.maxDepth = maxDepth
        self.seconds = seconds
        self.goalPaths = goalPaths
        self.fingerprints = fingerprints
        self.parents = parents
        self.actions = actions
        self.words = words
        self.ends = ends
    }

    /// Why a checkpoint cannot be used.
    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads and checks `plan.path`; every count is checked against what is left of the file, so
    /// a truncated or foreign file is an error, never a trap or a huge allocation.
    public static func read(_ plan: CheckpointPlan) throws(ReadError) -> Checkpoint {
        guard let bytes = readFile(plan.path) else {
            throw ReadError(description: "\(plan.path): cannot read the checkpoint (\(String(cString: strerror(errno))))")
        }
        var r = CheckpointReader(bytes: bytes, path: plan.path)
        guard try r.word() == magic else { throw ReadError(description: "\(plan.path): not a checkpoint of this tool") }
        let key = try r.word()
        guard key == plan.key else {
            throw ReadError(description: "\(plan.path): written for another model or other options (symmetry, depth, file contents); "
                            + "resume with the model and options it was written with")
        }
        let depth = try r.count(limit: 1 << 30), firstID = try r.count(limit: Int(UInt32.max))
        let maxActions = try r.count(limit: 1 << 40), transitions = try r.count(limit: Int.max)
        let selfLoops = try r.count(limit: Int.max), maxDepth = try r.count(limit: 1 << 30)
        let seconds = Double(bitPattern: try r.word())
        var goalPaths: [(goal: Int, root: Int, steps: [Int])] = []
        for _ in 0..<(try r.count(limit: r.remaining)) {
            let goal = try r.count(limit: 1 << 20), root = try r.count(limit: 1 << 32)
            let steps = try (0..<(try r.count(limit: r.remaining))).map { _ throws(ReadError) in try r.count(limit: Int(UInt32.max)) }
            goalPaths.append((goal, root, steps))
        }
        let fingerprints = try (0..<(try r.count(limit: r.remaining / 8))).map { _ throws(ReadError) in try r.word() }
        let linkCount = try r.count(limit: r.remaining / 8)
        var parents: [UInt32] = [], actions: [UInt32] = []
        parents.reserveCapacity(linkCount)
        actions.reserveCapacity(linkCount)
        for _ in 0..<linkCount {
            let w = try r.word()
            parents.append(UInt32(truncatingIfNeeded: w))
            actions.append(UInt32(truncatingIfNeeded: w >> 32))
        }
        var words: [UInt64] = [], ends: [Int] = []
        for _ in 0..<(try r.count(limit: r.remaining)) {
            for _ in 0..<(try r.count(limit: r.remaining)) { words.append(try r.varint()) }
            ends.append(words.count)
        }
        guard r.remaining <= 8 else { throw ReadError(description: "\(plan.path): \(r.remaining - 8) bytes after the checkpoint's end") }
        let body = r.at
        guard try r.word() == CheckpointWriter.checksum(bytes[0..<body]) else {
            throw ReadError(description: "\(plan.path): the checkpoint's checksum does not match its contents (a damaged file)")
        }
        guard parents.allSatisfy({ Int($0) < linkCount }), firstID + ends.count <= linkCount else {
            throw ReadError(description: "\(plan.path): the parent links do not fit the saved level")
        }
        return Checkpoint(key: key, depth: depth, firstID: UInt32(firstID), maxActions: maxActions, transitions: transitions,
                          selfLoops: selfLoops, maxDepth: maxDepth, seconds: seconds, goalPaths: goalPaths,
                          fingerprints: fingerprints, parents: parents, actions: actions, words: words, ends: ends)
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count { return ferror(f) != 0 ? nil : bytes }
        }
    }
}

/// Reads a checkpoint's words and varints, refusing to run past its end.
struct CheckpointReader {
    let bytes: [UInt8]
    let path: String
    var at = 0

    var remaining: Int { bytes.count - at }

    func truncated() -> Checkpoint.ReadError {
        Checkpoint.ReadError(description: "\(path): the checkpoint is truncated at byte \(at) (an interrupted write? resume from an earlier copy or start again)")
    }

    mutating func word() throws(Checkpoint.ReadError) -> UInt64 {
        guard remaining >= 8 else { throw truncated() }
        var w: UInt64 = 0
        for k in 0..<8 { w |= UInt64(bytes[at + k]) << UInt64(8 * k) }
        at += 8
        return w
    }

    mutating func varint() throws(Checkpoint.ReadError) -> UInt64 {
        var w: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard at < bytes.count else { throw truncated() }
            let b = bytes[at]
            at += 1
            guard shift < 64, shift < 63 || b <= 1 else {
                throw Checkpoint.ReadError(description: "\(path): a number at byte \(at) does not fit in 64 bits")
            }
            w |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return w }
            shift += 7
        }
    }

    /// A count or index, at most `limit`.
    mutating func count(limit: Int) throws(Checkpoint.ReadError) -> Int {
        let v = try varint()
        guard v <= UInt64(max(0, limit)) else {
            throw Checkpoint.ReadError(description: "\(path): a count of \(v) at byte \(at) is more than the file can hold")
        }
        return Int(v)
    }
}

/// Writes a checkpoint through a temporary file, synced and renamed into place, in 1 MiB pieces
/// (a checkpoint of a large level is not held in memory whole).
struct CheckpointWriter {
    let path: String
    let temporary: String
    let file: UnsafeMutablePointer<FILE>?
    var buffer: [UInt8] = []
    var failed = false
    /// Of every byte flushed so far (`checksum(_:)`), written last.
    var sum = CheckpointWriter.checksumSeed

    init(path: String) {
        self.path = path
        temporary = path + ".tmp"
        file = fopen(temporary, "wb")
        buffer.reserveCapacity(1 << 20)
    }

    static var checksumSeed: UInt64 { 0xcbf2_9ce4_8422_2325 }

    /// FNV-1a over the bytes: a damaged checkpoint is refused rather than decoded into states a
    /// model cannot make sense of.
    static func checksum(_ bytes: ArraySlice<UInt8>, from seed: UInt64 = checksumSeed) -> UInt64 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    mutating func flush() {
        guard let file, !buffer.isEmpty else { return }
        sum = Self.checksum(buffer[...], from: sum)
        let n = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if n != buffer.count { failed = true }
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func word(_ w: UInt64) {
        for k in 0..<8 { buffer.append(UInt8(truncatingIfNeeded: w >> UInt64(8 * k))) }
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func varint(_ value: UInt64) {
        var w = value
        while w >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: w) | 0x80)
            w >>= 7
        }
        buffer.append(UInt8(w))
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func varint(_ value: Int) { varint(UInt64(value)) }

    /// Finishes the file and renames it into place; nil on success, else why not.
    mutating func commit() -> String? {
        guard let file else { return "cannot write \(temporary): \(String(cString: strerror(errno)))" }
        flush()
        word(sum)
        flush()
        let synced = fflush(file) == 0 && fsync(fileno(file)) == 0
        fclose(file)
        guard !failed, synced else { return "cannot write \(temporary): \(String(cString: strerror(errno)))" }
        guard rename(temporary, path) == 0 else { return "cannot rename \(temporary): \(String(cString: strerror(errno)))" }
        return nil
    }
}
