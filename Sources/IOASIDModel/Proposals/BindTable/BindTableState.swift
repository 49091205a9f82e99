import Explorer

/// What proposal `bind-table` keeps beside the hardware (`domain/proposals.md` S3): which devices
/// have a guest PASID table bound, the GPA reserves the guest lent for page tables, which domains
/// the host attached itself, and which guest tables were added from a reserve.
public struct BindTableState: Hashable, Sendable {
    /// Groups whose PASID table is the guest's (`BIND_PASID_TABLE`), ascending.
    public var delegated: [UInt16] = []
    /// `VIRTIO_IOMMU_T_MEMRESERVE` ranges, ascending.
    public var reserves: [IOVARange] = []
    /// Domains the host attached with `ATTACH_PASID` (kernel-owned), ascending.
    public var hostDomains: [DomainID] = []
    /// Guest stage-1 tables bound with `VIRTIO_IOMMU_T_ADD_TABLE`, ascending: their pages must
    /// stay inside a reserve.
    public var reserveTables: [DomainID] = []
    /// The implicit container's address space (stage 2: GPA → host), an IOAS made at first use.
    public var stage2: UInt32 = 0

    public init() {}

    public var isEmpty: Bool { delegated.isEmpty && reserves.isEmpty && hostDomains.isEmpty && reserveTables.isEmpty && stage2 == 0 }
}

extension BindTableState {
    func encode<W: WordSink>(into w: inout W) {
        func list<T: BinaryInteger>(_ xs: [T]) { w.put(UInt64(xs.count)); for x in xs { w.put(UInt64(x)) } }
        list(delegated)
        w.put(UInt64(reserves.count))
        for r in reserves { w.put(r.first); w.put(r.last) }
        list(hostDomains)
        list(reserveTables)
        w.put(UInt64(stage2))
    }

    static func decode(_ r: inout WordReader) -> BindTableState {
        func list<T: FixedWidthInteger>(_: T.Type) -> [T] { (0..<Int(r.next())).map { _ in T(truncatingIfNeeded: r.next()) } }
        var b = BindTableState()
        b.delegated = list(UInt16.self)
        b.reserves = (0..<Int(r.next())).map { _ in IOVARange(first: r.next(), last: r.next()) }
        b.hostDomains = list(DomainID.self)
        b.reserveTables = list(DomainID.self)
        b.stage2 = UInt32(truncatingIfNeeded: r.next())
        return b
    }
}
