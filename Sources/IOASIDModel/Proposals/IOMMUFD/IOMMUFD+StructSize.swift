/// The size checks every iommufd ioctl makes before it looks at its struct (main.c
/// `iommufd_fops_ioctl`, `copy_struct_from_user`): the struct's first `__u32` is its size; below
/// the end of the last mandatory field it is EINVAL, and past the kernel's struct the extra bytes
/// must be zero (E2BIG). A scenario writes `size=` (and `trailing=`, the value of the bytes past
/// the kernel's struct, 0 when not written); without `size=` the struct is exactly the kernel's.
struct IoctlStructSize {
    /// `offsetofend` of the last mandatory field (the `TEST_LENGTH` the selftest names).
    let minimum: UInt32
    /// `sizeof` the struct in the reference tree.
    let size: UInt32

    /// `include/uapi/linux/iommufd.h` of the reference tree.
    static func of(_ kind: IOMMUFDOperation.Kind) -> IoctlStructSize? {
        switch kind {
        case .destroy: return IoctlStructSize(minimum: 8, size: 8)
        case .getHWInfo: return IoctlStructSize(minimum: 32, size: 40)
        case .hwptAlloc: return IoctlStructSize(minimum: 24, size: 48)
        case .hwptInvalidate: return IoctlStructSize(minimum: 32, size: 32)
        case .ioasAlloc: return IoctlStructSize(minimum: 12, size: 12)
        case .ioasIOVARanges: return IoctlStructSize(minimum: 32, size: 32)
        case .ioasAllowIOVAs: return IoctlStructSize(minimum: 24, size: 24)
        case .ioasMap, .ioasMapFile, .ioasCopy: return IoctlStructSize(minimum: 40, size: 40)
        case .ioasUnmap, .option: return IoctlStructSize(minimum: 24, size: 24)
        case .vfioIOAS: return IoctlStructSize(minimum: 12, size: 12)
        case .viommuAlloc: return IoctlStructSize(minimum: 24, size: 40)
        case .vdeviceAlloc: return IoctlStructSize(minimum: 24, size: 24)
        case .changeProcess: return IoctlStructSize(minimum: 8, size: 8)
        case .setDirtyTracking: return IoctlStructSize(minimum: 16, size: 16)
        case .getDirtyBitmap: return IoctlStructSize(minimum: 48, size: 48)
        case .faultQueueAlloc: return IoctlStructSize(minimum: 16, size: 16)
        case .veventqAlloc: return IoctlStructSize(minimum: 32, size: 32)
        default: return nil
        }
    }

    /// The checks' errno, if one fails.
    func refusal(size written: UInt32, trailing: UInt8) -> Errno? {
        if written < minimum { return .EINVAL }
        if written > size, trailing != 0 { return .E2BIG }
        return nil
    }
}

extension IOMMUFD {
    /// `op` behind the size checks of its struct.
    func sizedStep(_ op: IOMMUFDOperation, size: UInt32, trailing: UInt8, _ s: inout IOMMUFDState) -> Step? {
        guard let sizes = IoctlStructSize.of(op.kind) else { return nil }
        if let e = sizes.refusal(size: size, trailing: trailing) { return Step(outcome: .errno(e)) }
        return nil
    }
}
