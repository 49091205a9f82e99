/// The design knobs of `domain/proposals.md` §3: switches a model file sets with `set KNOB = VALUE`.
/// Each design declares which it reads, and its defaults, as `DesignKnob`s.
public enum Knob: String, Hashable, Sendable, CaseIterable {
    case compatCheck = "compat-check"
    case domainScope = "domain-scope"
    case pgsizeSource = "pgsize-source"
    case pasidScope = "pasid-scope"
    case pasidFree = "pasid-free"
    case multiAttach = "multi-attach"
    case pasidTableOwner = "pasid-table-owner"
    case stage2PinTables = "stage2-pin-tables"
    case unmapLargeLeaf = "unmap-large-leaf"
    case destroyCheck = "destroy-check"
    case type1Impl = "type1-impl"
    case type1Version = "type1-version"
    case dirtyClear = "dirty-clear"
    case vdeviceUnbind = "vdevice-unbind"
    case vdeviceVirtID = "vdevice-virt-id"
    case hwQueueLock = "hw-queue-lock"
    case nestedIOTLBFlush = "nested-iotlb-flush"
    case smmuInvalidateError = "smmu-invalidate-error"
    case iopfDetach = "iopf-detach"
    case accessDriver = "access-driver"

    public var values: [String] {
        switch self {
        case .compatCheck: return ["attach", "join", "none"]
        case .domainScope: return ["instance", "compatible", "shared"]
        case .pgsizeSource: return ["domain", "ops"]
        case .pasidScope: return ["per-device", "global", "per-vm"]
        case .pasidFree: return ["busy-if-bound", "unbind-first", "unchecked"]
        case .multiAttach: return ["per-pasid", "disjoint-windows", "unchecked"]
        case .pasidTableOwner: return ["host", "guest"]
        case .stage2PinTables: return ["no", "yes"]
        case .unmapLargeLeaf: return UnmapLargeLeaf.allCases.map(\.rawValue)
        case .destroyCheck: return ["refcount", "none"]
        case .type1Impl: return ["vfio", "iommufd-compat", "naive"]
        case .type1Version: return ["v2", "v1"]
        case .dirtyClear: return ["flush", "no-flush"]
        case .vdeviceUnbind: return ["tombstone", "keep"]
        case .vdeviceVirtID: return ["unique", "unchecked"]
        case .hwQueueLock: return ["lock", "none"]
        case .nestedIOTLBFlush: return ["children", "parent-only"]
        case .smmuInvalidateError: return ["report-unissued", "issue-first"]
        case .iopfDetach: return ["auto-respond", "leave"]
        case .accessDriver: return ["unpins", "keeps-pins"]
        }
    }

    /// One line for `modelcheck list`.
    public var explanation: String {
        switch self {
        case .compatCheck: return "where the domain-scope rule is checked: at every attach, when a device joins/binds, or never"
        case .domainScope: return "where a domain may be attached: behind its own IOMMU only, behind compatible IOMMUs (the kernel's per-driver rule), or anywhere (2015)"
        case .pgsizeSource: return "where page sizes come from: the domain, or the driver's ops (union over its units)"
        case .pasidScope: return "who names PASIDs: userspace per device, one global allocator, or one per VM"
        case .pasidFree: return "freeing a bound PASID: EBUSY, unbind first, or unchecked"
        case .multiAttach: return "several IOASes on one RID: one per PASID, disjoint IOVA windows, or unchecked"
        case .pasidTableOwner: return "who owns a delegated PASID table: the host or the guest"
        case .stage2PinTables: return "whether stage-2 GPAs under live guest tables are pinned (their unmap EBUSY)"
        case .unmapLargeLeaf: return "unmapping part of a large leaf: refuse, split it, or clear the whole leaf (AMD-style)"
        case .destroyCheck: return "destroying a referenced object: EBUSY by reference count, or allowed"
        case .type1Impl: return "VFIO type1 implementation: vfio_iommu_type1.c, iommufd's compat emulation, or the naive design of H11"
        case .type1Version: return "which VFIO_SET_IOMMU type the explorer issues: TYPE1v2 or TYPE1 (v1)"
        case .dirtyClear: return "clearing dirty bits (a bitmap read, enabling tracking): then sync the IOTLB (the kernel), or leave stale entries that skip the next bit"
        case .vdeviceUnbind: return "unbinding a device with a vDEVICE: destroy the vDEVICE and tombstone its id (the kernel), or keep it naming the unbound device"
        case .vdeviceVirtID: return "a vDEVICE's virtual id: unique in its vIOMMU (the kernel, EEXIST), or unchecked"
        case .hwQueueLock: return "a HW queue's memory: its areas locked against unmap (the kernel, EBUSY), or not"
        case .nestedIOTLBFlush: return "a stage-2 unmap's IOTLB flush: also the combined entries of nested domains over it (the drivers), or the parent's own only"
        case .iopfDetach: return "a device leaving a fault-capable HWPT: answer its pending page requests INVALID (the kernel), or leave them queued"
        case .accessDriver: return "an emulated device's driver told to unmap (an IOAS unmap, replace or detach): unpin what it holds there (the selftest's driver), or keep its pins (the bug the kernel WARNs about: EDEADLOCK)"
        case .smmuInvalidateError: return "SMMUv3 refusing a guest's command: count the unissued commands before it as handled (the reference tree), or issue them first"
        }
    }
}

extension Knob {
    /// The knob as a design declares it, with the design's default (else the first value).
    func declared(default value: String? = nil) -> DesignKnob {
        DesignKnob(rawValue, values: values, default: value ?? values[0], explanation)
    }
}
