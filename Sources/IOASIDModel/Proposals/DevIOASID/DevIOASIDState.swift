import Explorer

/// What the /dev/ioasid design keeps beside the kernel objects it drives: which fd (VM) each
/// device joined and each IOASID belongs to, which IOASIDs are nested over which, which
/// automatic nested HWPT serves which nested IOASID, and the PASIDs the fds hold.
public struct DevIOASIDState: Hashable, Sendable {
    /// An IOASID (an IOAS of the kernel) as the design sees it.
    public struct IOASID: Hashable, Sendable {
        public var id: UInt32
        public var fd: UInt8
        /// A nested IOASID's GPA IOASID (0 for a GPA IOASID): the nested one holds a user on it.
        public var parent: UInt32 = 0
        /// A nested IOASID's guest stage-1 table.
        public var s1Root: UInt64 = 0
        public var isNested: Bool { parent != 0 }
    }

    /// An automatic nested HWPT and the nested IOASID it serves (it holds a user on that IOASID).
    public struct NestedHWPT: Hashable, Sendable {
        public var hwpt: UInt32
        public var ioasid: UInt32
    }

    /// The fd each topology device joined (0: none); empty while no device joined.
    public var deviceFds: [UInt8] = []
    /// Every live IOASID, ascending by id.
    public var ioasids: [IOASID] = []
    /// Each automatic nested HWPT, ascending by HWPT id.
    public var nestedHWPTs: [NestedHWPT] = []
    /// PASIDs held, as `HeldPasid` words (allocator in the top bits), ascending.
    public var pasids: [UInt32] = []

    public init() {}

    /// The fd `device` joined, 0 when none.
    public func fd(of device: Int) -> Int { device < deviceFds.count ? Int(deviceFds[device]) : 0 }

    mutating func setFd(of device: Int, _ fd: UInt8, deviceCount: Int) {
        if deviceFds.count < deviceCount { deviceFds += Array(repeating: 0, count: deviceCount - deviceFds.count) }
        deviceFds[device] = fd
        if deviceFds.allSatisfy({ $0 == 0 }) { deviceFds = [] }
    }

    public func ioasid(_ id: UInt32) -> IOASID? { ioasids.first { $0.id == id } }

    mutating func insert(_ x: IOASID) {
        ioasids.insert(x, at: ioasids.firstIndex { $0.id > x.id } ?? ioasids.count)
    }

    /// The references this state holds on kernel objects, by id (for the reference-count check).
    var kernelReferences: [UInt32: Int] {
        var refs: [UInt32: Int] = [:]
        for x in ioasids where x.isNested { refs[x.parent, default: 0] += 1 }
        for n in nestedHWPTs { refs[n.ioasid, default: 0] += 1 }
        return refs
    }

    /// A copy sharing no buffer with `self`.
    func unshared() -> DevIOASIDState {
        var s = self
        s.deviceFds = deviceFds.map { $0 }
        s.ioasids = ioasids.map { $0 }
        s.nestedHWPTs = nestedHWPTs.map { $0 }
        s.pasids = pasids.map { $0 }
        return s
    }

    /// Devices renamed by a permutation (ids and PASIDs name no device).
    func permuted(devices: [Int]) -> DevIOASIDState {
        guard !deviceFds.isEmpty else { return self }
        var s = self
        for (d, fd) in deviceFds.enumerated() { s.deviceFds[devices[d]] = fd }
        return s
    }
}

extension DevIOASIDState {
    func encode<W: WordSink>(into w: inout W) {
        w.put(UInt64(deviceFds.count))
        for fd in deviceFds { w.put(UInt64(fd)) }
        w.put(UInt64(ioasids.count))
        for x in ioasids { w.put(UInt64(x.id) | UInt64(x.fd) << 32); w.put(UInt64(x.parent)); w.put(x.s1Root) }
        w.put(UInt64(nestedHWPTs.count))
        for n in nestedHWPTs { w.put(UInt64(n.hwpt) | UInt64(n.ioasid) << 32) }
        w.put(UInt64(pasids.count))
        for p in pasids { w.put(UInt64(p)) }
    }

    static func decode(_ r: inout WordReader) -> DevIOASIDState {
        var s = DevIOASIDState()
        s.deviceFds = (0..<Int(r.next())).map { _ in UInt8(truncatingIfNeeded: r.next()) }
        s.ioasids = (0..<Int(r.next())).map { _ in
            let head = r.next()
            return IOASID(id: UInt32(truncatingIfNeeded: head), fd: UInt8(truncatingIfNeeded: head >> 32),
                          parent: UInt32(truncatingIfNeeded: r.next()), s1Root: r.next())
        }
        s.nestedHWPTs = (0..<Int(r.next())).map { _ in
            let w = r.next()
            return NestedHWPT(hwpt: UInt32(truncatingIfNeeded: w), ioasid: UInt32(truncatingIfNeeded: w >> 32))
        }
        s.pasids = (0..<Int(r.next())).map { _ in UInt32(truncatingIfNeeded: r.next()) }
        return s
    }
}
