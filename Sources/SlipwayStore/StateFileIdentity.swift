import Foundation
import SlipwayModel

/// The state database file as it was when the store opened it: its device and inode. A file
/// deleted or replaced while the daemon runs (`rm .slipway/state.db*`, a restore copied over it)
/// is no longer the one the store writes to, and every write would vanish with the old inode.
struct StateFileIdentity: Sendable {
    let path: String
    private let device: UInt64
    private let inode: UInt64

    init(path: String) throws {
        self.path = path
        guard let (device, inode) = Self.identity(of: path) else {
            throw SlipwayError(.storeFailed, "cannot read the state database \(path) after opening it")
        }
        self.device = device
        self.inode = inode
    }

    /// Throws when the path no longer names the file that was opened.
    func check() throws {
        guard let (device, inode) = Self.identity(of: path) else {
            throw SlipwayError(.storeFailed, "the state database \(path) was deleted while the daemon ran; nothing was "
                + "changed. Restart the daemon (`slipway serve`): what runs keeps running and is adopted")
        }
        guard device == self.device, inode == self.inode else {
            throw SlipwayError(.storeFailed, "the state database \(path) was replaced while the daemon ran; nothing was "
                + "changed. Restart the daemon (`slipway serve`) to use the new file")
        }
    }

    private static func identity(of path: String) -> (UInt64, UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}
