/// The calls of the /dev/ioasid RFC (`domain/proposals.md` S5), with the fields the RFC's
/// structs name, and the DMA every design has. Devices are topology indices.
public enum DevIOASIDOperation: CatalogOperation {
    /// `JOIN_IOASID_FD`: the device joins fd `fd` (its VM).
    case joinIOASIDFd(device: Int, fd: UInt32)
    /// `IOASID_ALLOC`: a GPA (stage-2) IOASID of fd `fd`.
    case ioasidAlloc(fd: UInt32)
    /// `IOASID_FREE`.
    case ioasidFree(ioasid: UInt32)
    /// `IOASID_CREATE_NESTING`: a nested IOASID over a GPA IOASID; the guest's stage-1 table is at `s1Root`.
    case ioasidCreateNesting(parent: UInt32, s1Root: UInt64)
    /// `IOASID_MAP_DMA`.
    case ioasidMapDMA(ioasid: UInt32, iova: UInt64, size: UInt64, vaddr: UInt64)
    /// `IOASID_UNMAP_DMA`.
    case ioasidUnmapDMA(ioasid: UInt32, iova: UInt64, size: UInt64)
    /// `IOASID_SET_WINDOW`: the IOASID's IOVA window (its allow list).
    case ioasidSetWindow(ioasid: UInt32, start: UInt64, last: UInt64)
    /// `ATTACH_IOASID` (pasid 0) and `ATTACH_IOASID_PASID`.
    case attachIOASID(device: Int, ioasid: UInt32, pasid: UInt32)
    /// `DETACH_IOASID`: the RID (pasid 0) or a PASID.
    case detachIOASID(device: Int, pasid: UInt32)
    /// `IOASID_ALLOC_PASID`.
    case ioasidAllocPasid(fd: UInt32, min: UInt32, max: UInt32)
    /// `IOASID_FREE_PASID`.
    case ioasidFreePasid(fd: UInt32, pasid: UInt32)
    case translate(DMARequest)

    public enum Kind: Int, CaseIterable, Hashable, Sendable {
        case joinIOASIDFd, ioasidAlloc, ioasidFree, ioasidCreateNesting, ioasidMapDMA, ioasidUnmapDMA
        case ioasidSetWindow, attachIOASID, attachIOASIDPasid, detachIOASID, ioasidAllocPasid, ioasidFreePasid, translate
    }

    public static let catalog = OperationCatalog<DevIOASIDOperation> { kind in
        switch kind {
        case .joinIOASIDFd: return OperationSpec("JOIN_IOASID_FD", ["dev": .device, "fd": .u32], "the device joins an ioasid fd")
        case .ioasidAlloc: return OperationSpec("IOASID_ALLOC", ["fd": .u32], outputs: ["ioasid"], "allocate a GPA IOASID")
        case .ioasidFree: return OperationSpec("IOASID_FREE", ["ioasid": .u32], "free an IOASID nothing uses")
        case .ioasidCreateNesting:
            return OperationSpec("IOASID_CREATE_NESTING", ["parent_ioasid": .u32, "s1_root": .u64], outputs: ["ioasid"],
                                 "a nested IOASID: the guest's stage-1 table over a GPA IOASID")
        case .ioasidMapDMA:
            return OperationSpec("IOASID_MAP_DMA", ["ioasid": .u32, "iova": .u64, "size": .u64, "vaddr": .u64], "map user memory in a GPA IOASID")
        case .ioasidUnmapDMA:
            return OperationSpec("IOASID_UNMAP_DMA", ["ioasid": .u32, "iova": .u64, "size": .u64], outputs: ["size"], "unmap whole mappings in a range")
        case .ioasidSetWindow:
            return OperationSpec("IOASID_SET_WINDOW", ["ioasid": .u32, "start": .u64, "last": .u64], "the IOVA window an IOASID is attached with")
        case .attachIOASID: return OperationSpec("ATTACH_IOASID", ["dev": .device, "ioasid": .u32], "attach the device's RID to an IOASID")
        case .attachIOASIDPasid:
            return OperationSpec("ATTACH_IOASID_PASID", ["dev": .device, "ioasid": .u32, "pasid": .u32], "attach a PASID of the device to an IOASID")
        case .detachIOASID: return OperationSpec("DETACH_IOASID", ["dev": .device, "pasid": .u32], "detach the RID (pasid=0) or a PASID")
        case .ioasidAllocPasid:
            return OperationSpec("IOASID_ALLOC_PASID", ["fd": .u32, "min": .u32, "max": .u32], outputs: ["pasid"],
                                 "allocate a PASID (system-wide, or the fd's own under pasid-scope = per-vm)")
        case .ioasidFreePasid: return OperationSpec("IOASID_FREE_PASID", ["fd": .u32, "pasid": .u32], "give a PASID back")
        case .translate: return DMARequest.spec
        }
    }

    public var kind: Kind {
        switch self {
        case .joinIOASIDFd: return .joinIOASIDFd
        case .ioasidAlloc: return .ioasidAlloc
        case .ioasidFree: return .ioasidFree
        case .ioasidCreateNesting: return .ioasidCreateNesting
        case .ioasidMapDMA: return .ioasidMapDMA
        case .ioasidUnmapDMA: return .ioasidUnmapDMA
        case .ioasidSetWindow: return .ioasidSetWindow
        case .attachIOASID(_, _, let pasid): return pasid == 0 ? .attachIOASID : .attachIOASIDPasid
        case .detachIOASID: return .detachIOASID
        case .ioasidAllocPasid: return .ioasidAllocPasid
        case .ioasidFreePasid: return .ioasidFreePasid
        case .translate: return .translate
        }
    }

    public init?(kind: Kind, arguments args: [String: ArgValue]) {
        func n(_ k: String) -> UInt64 {
            if case .number(let v)? = args[k] { return v }
            return 0
        }
        func u32(_ k: String) -> UInt32 { UInt32(truncatingIfNeeded: n(k)) }
        var device: Int?
        if case .device(let d)? = args["dev"] { device = d }
        switch kind {
        case .joinIOASIDFd:
            guard let device else { return nil }
            self = .joinIOASIDFd(device: device, fd: u32("fd"))
        case .ioasidAlloc: self = .ioasidAlloc(fd: u32("fd"))
        case .ioasidFree: self = .ioasidFree(ioasid: u32("ioasid"))
        case .ioasidCreateNesting: self = .ioasidCreateNesting(parent: u32("parent_ioasid"), s1Root: n("s1_root"))
        case .ioasidMapDMA: self = .ioasidMapDMA(ioasid: u32("ioasid"), iova: n("iova"), size: n("size"), vaddr: n("vaddr"))
        case .ioasidUnmapDMA: self = .ioasidUnmapDMA(ioasid: u32("ioasid"), iova: n("iova"), size: n("size"))
        case .ioasidSetWindow: self = .ioasidSetWindow(ioasid: u32("ioasid"), start: n("start"), last: n("last"))
        case .attachIOASID, .attachIOASIDPasid:
            guard let device else { return nil }
            self = .attachIOASID(device: device, ioasid: u32("ioasid"), pasid: kind == .attachIOASID ? 0 : u32("pasid"))
        case .detachIOASID:
            guard let device else { return nil }
            self = .detachIOASID(device: device, pasid: u32("pasid"))
        case .ioasidAllocPasid: self = .ioasidAllocPasid(fd: u32("fd"), min: u32("min"), max: u32("max"))
        case .ioasidFreePasid: self = .ioasidFreePasid(fd: u32("fd"), pasid: u32("pasid"))
        case .translate:
            guard let r = DMARequest(args) else { return nil }
            self = .translate(r)
        }
    }

    public func arguments(_ topology: Topology) -> [(String, ArgumentText)] {
        func dev(_ d: Int) -> (String, ArgumentText) { ("dev", .word(topology.devices[d].name)) }
        func number<T: BinaryInteger>(_ name: String, _ v: T) -> (String, ArgumentText) { (name, .number(UInt64(v))) }
        switch self {
        case .joinIOASIDFd(let d, let fd): return [dev(d), number("fd", fd)]
        case .ioasidAlloc(let fd): return [number("fd", fd)]
        case .ioasidFree(let id): return [number("ioasid", id)]
        case .ioasidCreateNesting(let parent, let root): return [number("parent_ioasid", parent), ("s1_root", .address(root))]
        case .ioasidMapDMA(let id, let iova, let size, let vaddr):
            return [number("ioasid", id), ("iova", .address(iova)), ("size", .address(size)), ("vaddr", .address(vaddr))]
        case .ioasidUnmapDMA(let id, let iova, let size): return [number("ioasid", id), ("iova", .address(iova)), ("size", .address(size))]
        case .ioasidSetWindow(let id, let start, let last): return [number("ioasid", id), ("start", .address(start)), ("last", .address(last))]
        case .attachIOASID(let d, let id, let pasid): return [dev(d), number("ioasid", id)] + (pasid == 0 ? [] : [number("pasid", pasid)])
        case .detachIOASID(let d, let pasid): return [dev(d)] + (pasid == 0 ? [] : [number("pasid", pasid)])
        case .ioasidAllocPasid(let fd, let lo, let hi): return [number("fd", fd), number("min", lo), number("max", hi)]
        case .ioasidFreePasid(let fd, let pasid): return [number("fd", fd), number("pasid", pasid)]
        case .translate(let r): return r.arguments(topology)
        }
    }
}
