/// One IOMMU instance of a model: the hardware walker that devices behind it use.
public struct IOMMUSpec: Hashable, Sendable {
    public var name: String
    public var preset: FormatPreset
    /// The page sizes its domains use (`pgsize_bitmap`): a subset of the preset's leaf sizes.
    public var pageSizes: PageSizes
    public var pasidBits: Int
    /// IOMMU_CAP_ENFORCE_CACHE_COHERENCY: it can block no-snoop, so its domains enforce coherency.
    public var canEnforceCoherency: Bool
    /// IOMMU_CAP_CACHE_COHERENCY: it honours IOMMU_CACHE (without it iommufd refuses to bind).
    public var honoursCache: Bool
    /// Whether it can build nest parents and nested domains.
    public var nesting: Bool
    /// The IOVA range its domains translate.
    public var aperture: IOVARange
    /// DMA windows per device RID (multi-window IOMMUs, `proposals.md` S6).
    public var windows: Int

    public init(name: String, preset: FormatPreset, pageSizes: PageSizes? = nil, pasidBits: Int = 0,
                canEnforceCoherency: Bool = true, honoursCache: Bool = true, nesting: Bool = false,
                aperture: IOVARange? = nil, windows: Int = 1) {
        self.name = name
        self.preset = preset
        self.pageSizes = pageSizes ?? preset.format.leafSizes
        self.pasidBits = pasidBits
        self.canEnforceCoherency = canEnforceCoherency
        self.honoursCache = honoursCache
        self.nesting = nesting
        let a = preset.defaultAperture
        self.aperture = aperture ?? IOVARange(first: a.lowerBound, last: a.upperBound)
        self.windows = windows
    }

    /// The format a guest's stage-1 table over this IOMMU's nest parent uses (`SPEC.md` §2): the
    /// same preset, except that VT-d's second-stage formats pair with x86 first-stage ones.
    public var stage1Preset: FormatPreset {
        switch preset {
        case .vtdSL4: return .x86FS4
        case .vtdSL5: return .x86FS5
        default: return preset
        }
    }
}

/// A device: where its DMA goes (IOMMU, group) and what it can do.
public struct DeviceSpec: Hashable, Sendable {
    public var name: String
    public var iommu: Int
    public var group: Int
    public var pasidBits: Int
    /// Reserved regions (MSI windows, RMRRs): never translated on its RID route.
    public var reserved: [IOVARange]
    public var dirtyTracking: Bool

    public init(name: String, iommu: Int, group: Int, pasidBits: Int = 0, reserved: [IOVARange] = [], dirtyTracking: Bool = true) {
        self.name = name
        self.iommu = iommu
        self.group = group
        self.pasidBits = pasidBits
        self.reserved = reserved
        self.dirtyTracking = dirtyTracking
    }
}

/// A `memory START+LEN ro|invalid|huge` statement: user memory that cannot be pinned as asked, or
/// that is backed by huge (compound) pages.
public struct MemoryRegion: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// Mapped read-only: a writable pin fails.
        case readOnly = "ro"
        /// Not mapped at all: any pin fails.
        case invalid
        /// Backed by huge pages (MAP_HUGETLB): pins work; the selftest's reference check skips
        /// compound pages (`IOMMU_TEST_OP_MD_CHECK_REFS`).
        case huge
    }

    public var range: IOVARange
    public var kind: Kind

    public init(range: IOVARange, kind: Kind) {
        self.range = range
        self.kind = kind
    }
}

/// The host facts of `SPEC.md` §2 "Host defaults".
public struct HostConfig: Hashable, Sendable {
    public var pageSize: UInt64
    /// The transparent huge page (HPAGE_SIZE): 2M, 32M or 512M for 4K, 16K, 64K pages.
    public var hugePageSize: UInt64 {
        switch pageSize {
        case 16 << 10: return 32 << 20
        case 64 << 10: return 512 << 20
        default: return 2 << 20
        }
    }
    /// RLIMIT_MEMLOCK: bytes of user memory that may be pinned.
    public var pinLimit: UInt64
    /// The VMM holds CAP_SYS_RESOURCE (`host cap-sys-resource`): `IOMMU_OPTION RLIMIT_MODE` SET is
    /// allowed (ioas.c `iommufd_option_rlimit_mode`).
    public var capSysResource = false
    /// The VMM holds CAP_IPC_LOCK (`host cap-ipc-lock`): pinned pages are not accounted
    /// (`IOPT_PAGES_ACCOUNT_NONE`, pages.c), so RLIMIT_MEMLOCK never refuses a pin.
    public var capIPCLock = false

    public init(pageSize: UInt64 = 4096, pinLimit: UInt64 = 4 << 30) {
        self.pageSize = pageSize
        self.pinLimit = pinLimit
    }
}

/// A memfd of the model (`memfd NAME size=SIZE [va=ADDR]`): its declared size, and where its pages
/// are — the user address it is mmapped at, which is also their physical address in the model.
public struct MemfdSpec: Hashable, Sendable {
    public var name: String
    public var size: UInt64
    public var va: UInt64

    public init(name: String, size: UInt64, va: UInt64) {
        self.name = name
        self.size = size
        self.va = va
    }

    /// Where memfd `i`'s pages are when the model does not say: a 64 GiB slot of its own.
    public static func defaultVA(_ i: Int) -> UInt64 { 0x7e00_0000_0000 + UInt64(i) << 36 }
}

extension Topology {
    /// The process's fd of memfd `i`: after the standard streams, the iommufd (3) and the device
    /// fds (4 + device), in declaration order.
    public func memfdFD(_ i: Int) -> UInt32 { UInt32(4 + devices.count + i) }

    /// The memfd an fd number names.
    public func memfd(fd: UInt32) -> Int? {
        let base = 4 + devices.count
        guard fd >= base, Int(fd) - base < memfds.count else { return nil }
        return Int(fd) - base
    }
}

/// The fixed part of a model: IOMMUs, devices, groups, memory and host. States refer to its
/// entries by index, so that they stay small.
public struct Topology: Hashable, Sendable {
    public var iommus: [IOMMUSpec]
    public var devices: [DeviceSpec]
    /// Group names, indexed by `DeviceSpec.group`.
    public var groups: [String]
    public var memory: [MemoryRegion]
    public var host: HostConfig
    /// Devices whose guest PASIDs share one per-VM translation (`vsva`); empty when not declared.
    public var vsvaDevices: [Int]
    /// VFIO containers (`container NAME`, proposal vfio-type1), indexed by the `container=` field.
    public var containers: [String] = []
    /// vfio-pasid-request: how many PASIDs the VM (its container, `quota=N`) may hold; nil: no quota.
    public var pasidQuota: Int?
    /// The fds (VMs) 1…N that exist from the start, for a design with several (`objects fd=N`).
    public var ioasidFds = 1
    /// memfds the VMM holds (`memfd NAME size= [va=]`), for `IOMMU_IOAS_MAP_FILE`.
    public var memfds: [MemfdSpec] = []

    public init(iommus: [IOMMUSpec], devices: [DeviceSpec], groups: [String]? = nil, memory: [MemoryRegion] = [],
                host: HostConfig = HostConfig(), vsvaDevices: [Int] = []) {
        self.iommus = iommus
        self.devices = devices
        self.groups = groups ?? devices.map(\.name)
        self.memory = memory
        self.host = host
        self.vsvaDevices = vsvaDevices
    }

    /// The IOMMU a device sits behind.
    @inlinable public func iommu(of device: Int) -> IOMMUSpec { iommus[devices[device].iommu] }

    /// The PASID width that both the device and its IOMMU support.
    public func pasidBits(of device: Int) -> Int { min(devices[device].pasidBits, iommu(of: device).pasidBits) }

    /// The devices of a group, ascending.
    public func members(of group: Int) -> [Int] { devices.indices.filter { devices[$0].group == group } }

    /// Why pinning `[va, va+length)` fails, if it does: EFAULT for invalid memory, or for writable
    /// pins of read-only memory (`pin_user_pages` with FOLL_WRITE).
    public func pinError(userVA: UInt64, length: UInt64, writable: Bool) -> Errno? {
        guard let range = IOVARange(start: userVA, length: length) else { return .EFAULT }
        for region in memory where region.range.intersects(range) && region.kind != .huge {
            if region.kind == .invalid || writable { return .EFAULT }
        }
        return nil
    }
}

extension Topology {
    /// A copy whose arrays share no storage with `self`, so that parallel workers do not
    /// contend on the same reference counts.
    public func replica() -> Topology {
        var t = self
        t.iommus = iommus.map { $0 }
        t.devices = devices.map { var d = $0; d.reserved = d.reserved.map { $0 }; return d }
        t.groups = groups.map { $0 }
        t.memory = memory.map { $0 }
        t.vsvaDevices = vsvaDevices.map { $0 }
        t.memfds = memfds.map { $0 }
        return t
    }
}
