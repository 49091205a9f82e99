/// The knobs of the proposals the iommufd machine runs (iommufd, and the VFIO type1 container
/// over the same io_pagetable code), with the merged kernel's behaviour as the default.
public struct IOMMUFDConfig: Hashable, Sendable {
    /// `type1-impl`: whose VFIO type1 semantics the container follows.
    public enum Type1Impl: String, Hashable, Sendable { case vfio, iommufdCompat = "iommufd-compat", naive }
    public enum Type1Version: String, Hashable, Sendable { case v1, v2 }
    /// `pasid-free`: what `VFIO_IOMMU_PASID_REQUEST flags=FREE` does with a PASID still bound.
    /// `multi-attach`: several IOASes on one RID (see `IOMMUFD+Windows.swift`).
    public enum MultiAttach: String, Hashable, Sendable { case perPasid = "per-pasid", disjointWindows = "disjoint-windows", unchecked }
    /// `pasid-scope` on iommufd: who names PASIDs.
    public enum PasidScope: String, Hashable, Sendable { case perDevice = "per-device", global, perVM = "per-vm" }
    public enum PasidFree: String, Hashable, Sendable { case busyIfBound = "busy-if-bound", unbindFirst = "unbind-first", unchecked }

    public enum CompatCheck: String, Hashable, Sendable { case attach, join, none }
    public enum DomainScope: String, Hashable, Sendable { case instance, compatible, shared }
    public enum DestroyCheck: String, Hashable, Sendable { case refcount, none }

    public var compatCheck: CompatCheck = .attach
    public var domainScope: DomainScope = .compatible
    public var stage2PinTables = false
    public var unmapLargeLeaf: UnmapLargeLeaf = .refuse
    public var destroyCheck: DestroyCheck = .refcount
    public var type1Impl: Type1Impl = .vfio
    public var type1Version: Type1Version = .v2
    /// `pgsize-source = ops`: a domain's page sizes are the union over its driver's IOMMUs.
    public var pageSizesFromOps = false
    public var pasidFree: PasidFree = .busyIfBound
    public var multiAttach: MultiAttach = .perPasid
    public var pasidScope: PasidScope = .perDevice
    /// `pasid-table-owner = guest`: a bound PASID table is the guest's, and the host no longer
    /// sees its entries.
    public var pasidTableOwnedByGuest = false
    /// Automatic domains (made by attaching an IOAS) are PASID-compatible: a design whose PASID
    /// attach names an address space rather than a HWPT needs them to be.
    public var autoDomainsServePasids = false
    /// `dirty-clear = no-flush`: clearing dirty bits leaves the IOTLB as it was (the hazard; the
    /// kernel syncs it, `iommu_read_and_clear_dirty` and `iopt_clear_dirty_data`).
    public var dirtyClearFlushes = true
    /// `vdevice-unbind = keep`: unbinding a device leaves its vDEVICE naming it (the hazard; the
    /// kernel destroys it and tombstones its id, `iommufd_device_pre_destroy`).
    public var vdeviceTombstoned = true
    /// `vdevice-virt-id = unchecked`: a second vDEVICE may claim a virtual id already used in its
    /// vIOMMU (the hazard; the kernel's `xa_cmpxchg` makes it EEXIST).
    public var vdeviceVirtIDChecked = true
    /// `hw-queue-lock = none`: a HW queue's pages are pinned but its areas not locked, so an
    /// unmap takes the memory from under the hardware (the hazard; the kernel locks them,
    /// `area->num_locks`).
    public var hwQueueLocksAreas = true
    /// `nested-iotlb-flush = parent-only`: a stage-2 unmap invalidates the parent's own entries
    /// but not the combined stage-1 + stage-2 entries of nested domains over it (the hazard; the
    /// drivers flush those too — SMMUv3 invalidates by VMID, VT-d flushes the nested domains of a
    /// parent through its `s1_domains` list, and the model's IOTLB does as they do).
    public var nestedIOTLBFlush = true
    /// `smmu-invalidate-error = issue-first`: when SMMUv3 refuses a guest's command, the commands
    /// converted before it are issued before the error returns. The reference tree's
    /// `arm_vsmmu_cache_invalidate` returns without issuing them, though `entry_num` counts them
    /// as handled (`report-unissued`, the default: the kernel as it is).
    public var smmuInvalidateIssuesBeforeError = false
    /// `iopf-detach = leave`: a device leaving a fault-capable HWPT keeps its unanswered page
    /// requests queued (the hazard; the kernel answers them, `iommufd_auto_response_faults`).
    public var iopfAutoResponse = true
    /// `access-driver = keeps-pins`: an emulated device's driver ignores the `unmap` callback, so
    /// an IOAS unmap over its pins ends in EDEADLOCK and a replace leaves pins in the old IOAS
    /// (a driver bug; the selftest's driver unpins).
    public var accessDriverUnpins = true

    public init() {}


    /// Applies `set KNOB = VALUE`; returns false for a value this proposal does not know.
    public mutating func set(_ knob: Knob, _ value: String) -> Bool {
        switch knob {
        case .compatCheck: guard let v = CompatCheck(rawValue: value) else { return false }; compatCheck = v
        case .domainScope: guard let v = DomainScope(rawValue: value) else { return false }; domainScope = v
        case .stage2PinTables: guard value == "yes" || value == "no" else { return false }; stage2PinTables = value == "yes"
        case .unmapLargeLeaf: guard let v = UnmapLargeLeaf(rawValue: value) else { return false }; unmapLargeLeaf = v
        case .destroyCheck: guard let v = DestroyCheck(rawValue: value) else { return false }; destroyCheck = v
        case .type1Impl: guard let v = Type1Impl(rawValue: value) else { return false }; type1Impl = v
        case .type1Version: guard let v = Type1Version(rawValue: value) else { return false }; type1Version = v
        case .pgsizeSource: guard knob.values.contains(value) else { return false }; pageSizesFromOps = value == "ops"
        case .pasidFree: guard let v = PasidFree(rawValue: value) else { return false }; pasidFree = v
        case .pasidTableOwner: guard knob.values.contains(value) else { return false }; pasidTableOwnedByGuest = value == "guest"
        case .multiAttach: guard let v = MultiAttach(rawValue: value) else { return false }; multiAttach = v
        case .pasidScope: guard let v = PasidScope(rawValue: value) else { return false }; pasidScope = v
        case .dirtyClear: guard knob.values.contains(value) else { return false }; dirtyClearFlushes = value == "flush"
        case .vdeviceUnbind: guard knob.values.contains(value) else { return false }; vdeviceTombstoned = value == "tombstone"
        case .vdeviceVirtID: guard knob.values.contains(value) else { return false }; vdeviceVirtIDChecked = value == "unique"
        case .hwQueueLock: guard knob.values.contains(value) else { return false }; hwQueueLocksAreas = value == "lock"
        case .nestedIOTLBFlush: guard knob.values.contains(value) else { return false }; nestedIOTLBFlush = value == "children"
        case .smmuInvalidateError: guard knob.values.contains(value) else { return false }; smmuInvalidateIssuesBeforeError = value == "issue-first"
        case .iopfDetach: guard knob.values.contains(value) else { return false }; iopfAutoResponse = value == "auto-respond"
        case .accessDriver: guard knob.values.contains(value) else { return false }; accessDriverUnpins = value == "unpins"
        }
        return true
    }
}
