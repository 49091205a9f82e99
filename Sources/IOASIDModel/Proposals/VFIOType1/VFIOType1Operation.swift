/// The VFIO type1 container's ioctls (`domain/proposals.md` S1) on the model's one container, and
/// the DMA every design has.
public enum VFIOType1Operation: CatalogOperation {
    /// `VFIO_GROUP_SET_CONTAINER` for a topology group.
    case groupSetContainer(group: Int)
    /// `VFIO_SET_IOMMU` with `VFIO_TYPE1_IOMMU` or `VFIO_TYPE1v2_IOMMU`.
    case setIOMMU(type: UInt64)
    /// `VFIO_IOMMU_MAP_DMA` (`struct vfio_iommu_type1_dma_map`).
    case mapDMA(vaddr: UInt64, iova: UInt64, size: UInt64, flags: UInt32)
    /// `VFIO_IOMMU_UNMAP_DMA` (`struct vfio_iommu_type1_dma_unmap`); returns the bytes unmapped.
    case unmapDMA(iova: UInt64, size: UInt64, flags: UInt32)
    case translate(DMARequest)

    public enum Kind: Int, CaseIterable, Hashable, Sendable { case groupSetContainer, setIOMMU, mapDMA, unmapDMA, translate }

    public static let catalog = OperationCatalog<VFIOType1Operation> { kind in
        switch kind {
        case .groupSetContainer:
            return OperationSpec("VFIO_GROUP_SET_CONTAINER", ["group": .group, "container": .container],
                                 "add a group to the container (its devices are attached at once if the IOMMU type is set)")
        case .setIOMMU:
            return OperationSpec("VFIO_SET_IOMMU", ["arg": .flags, "container": .container],
                                 "choose the IOMMU type (TYPE1 or TYPE1v2) and attach every group of the container")
        case .mapDMA:
            return OperationSpec("VFIO_IOMMU_MAP_DMA", ["vaddr": .u64, "iova": .u64, "size": .u64, "flags": .flags, "container": .container],
                                 "map user memory at an IOVA in every domain of the container")
        case .unmapDMA:
            return OperationSpec("VFIO_IOMMU_UNMAP_DMA", ["iova": .u64, "size": .u64, "flags": .flags, "container": .container],
                                 outputs: ["size"], "unmap mappings in a range (v1 and v2 differ on partial ranges)")
        case .translate:
            return DMARequest.spec
        }
    }

    public var kind: Kind {
        switch self {
        case .groupSetContainer: return .groupSetContainer
        case .setIOMMU: return .setIOMMU
        case .mapDMA: return .mapDMA
        case .unmapDMA: return .unmapDMA
        case .translate: return .translate
        }
    }

    public init?(kind: Kind, arguments args: [String: ArgValue]) {
        func n(_ k: String) -> UInt64 {
            if case .number(let v)? = args[k] { return v }
            return 0
        }
        func u32(_ k: String) -> UInt32 { UInt32(truncatingIfNeeded: n(k)) }
        switch kind {
        case .groupSetContainer: self = .groupSetContainer(group: Int(truncatingIfNeeded: n("group")))
        case .setIOMMU: self = .setIOMMU(type: n("arg"))
        case .mapDMA: self = .mapDMA(vaddr: n("vaddr"), iova: n("iova"), size: n("size"), flags: u32("flags"))
        case .unmapDMA: self = .unmapDMA(iova: n("iova"), size: n("size"), flags: u32("flags"))
        case .translate:
            guard let r = DMARequest(args) else { return nil }
            self = .translate(r)
        }
    }

    public func arguments(_ topology: Topology) -> [(String, ArgumentText)] {
        typealias C = IOMMUFDConstants
        let container: (String, ArgumentText) = ("container", .word(topology.containers.first ?? "0"))
        switch self {
        case .groupSetContainer(let g):
            return [("group", .word(topology.groups.indices.contains(g) ? topology.groups[g] : String(g))), container]
        case .setIOMMU(let type):
            let name = type == C.VFIO_TYPE1_IOMMU ? "TYPE1" : type == C.VFIO_TYPE1v2_IOMMU ? "TYPE1v2" : String(type)
            return [("arg", .word(name)), container]
        case .mapDMA(let vaddr, let iova, let size, let flags):
            return [("vaddr", .address(vaddr)), ("iova", .address(iova)), ("size", .address(size)), ("flags", IOMMUFDOperation.dmaFlagsText(flags)),
                    container]
        case .unmapDMA(let iova, let size, let flags):
            var out: [(String, ArgumentText)] = [("iova", .address(iova)), ("size", .address(size))]
            if flags != 0 { out.append(("flags", flags == C.VFIO_DMA_UNMAP_FLAG_ALL ? .word("VFIO_DMA_UNMAP_FLAG_ALL") : .number(UInt64(flags)))) }
            return out + [container]
        case .translate(let r):
            return r.arguments(topology)
        }
    }
}
