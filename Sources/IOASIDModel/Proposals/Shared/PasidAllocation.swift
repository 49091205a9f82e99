/// The PASID allocator the designs with system-wide (or per-VM) PASIDs share: vfio-pasid-request's
/// VFIO_IOMMU_PASID_REQUEST and dev-ioasid's IOASID_ALLOC_PASID. A held PASID is kept as a key
/// that carries its allocator (0: the system-wide one; an fd under dev-ioasid's `pasid-scope =
/// per-vm`), so that two VMs may hold one number.
public struct HeldPasid: Hashable, Comparable, Sendable {
    public var owner: UInt8
    public var pasid: UInt32

    public init(_ pasid: UInt32, owner: Int = 0) {
        self.owner = UInt8(truncatingIfNeeded: owner)
        self.pasid = pasid
    }

    /// As one word, for state layouts (owner in the top byte; PASIDs are 20 bits).
    public var word: UInt32 { UInt32(owner) << 24 | pasid }
    public init(word: UInt32) { self.init(word & 0xFF_FFFF, owner: Int(word >> 24)) }

    public static func < (a: HeldPasid, b: HeldPasid) -> Bool { a.word < b.word }
}

enum PasidAllocation {
    /// ALLOC: the lowest free PASID of [max(min, 1), max] (PASID 0 is the RID, IOMMU_NO_PASID);
    /// EINVAL for a bad range, ENOSPC when none is left or the VM holds its quota already (its
    /// ioasid_set: an allocation past it fails as an exhausted range does).
    static func allocate(min: UInt32, max: UInt32, owner: Int, quota: Int?, _ held: inout [UInt32]) throws(Errno) -> UInt32 {
        guard min <= max, max < 1 << 20 else { throw .EINVAL }
        if let quota, held.count >= quota { throw .ENOSPC }
        // [1, 0] (min = max = 0) is an empty range, not a trap: nothing there is free.
        let lowest = Swift.max(min, 1)
        guard lowest <= max, let p = (lowest...max).first(where: { !held.contains(HeldPasid($0, owner: owner).word) }) else { throw .ENOSPC }
        let key = HeldPasid(p, owner: owner).word
        held.insert(key, at: held.firstIndex { $0 > key } ?? held.count)
        return p
    }

    /// Under a global (or per-VM) scope: a device must not keep using a PASID its VM gave back (the
    /// allocator may hand it to another owner), and one PASID serves one guest address space.
    static func ownershipViolations(_ view: some HardwareView, checksSpaces: Bool, owner: (Int) -> Int, held: [UInt32]) -> [Violation] {
        let topology = view.topology, hardware = view.hardware
        var out: [Violation] = []
        var served: [UInt32: (root: UInt64, group: UInt16)] = [:]
        for r in hardware.routes where r.pasid != 0 {
            let device = topology.members(of: Int(r.group)).first ?? 0
            let objects = Invariants.routeObjects(view, device: device, pasid: r.pasid, domain: r.domain)
            let key = HeldPasid(r.pasid, owner: owner(device)).word
            if !held.contains(key) {
                out.append(Violation(.pasidUnique, "a device still uses a PASID its VM freed", objects: objects,
                                     expected: "a PASID the VM holds", found: "PASID \(r.pasid) free"))
            }
            let root = hardware.domain(r.domain)?.table.rootAddress ?? 0
            if checksSpaces, let other = served[key], other.root != root {
                out.append(Violation(.pasidUnique, "one PASID serves two guest address spaces", objects: objects,
                                     expected: "gpgd \(SizeText.hex(other.root)) (group \(topology.groups[Int(other.group)]))",
                                     found: "gpgd \(SizeText.hex(root))"))
            }
            served[key] = (root, r.group)
        }
        return out
    }
}
