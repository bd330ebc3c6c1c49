import Foundation
import SlipwayTestSupport

/// A project directory (what a git export would give) holding a static busybox root file system
/// and a Dockerfile: images built `FROM scratch` with no registry. `httpd` serves `/www`, whose
/// `health` file answers health checks and `version` file tells releases apart.
struct BusyboxProject {
    static let busybox = "/bin/busybox"
    static let applets = ["sh", "httpd", "sleep", "echo", "cat", "false", "true", "kill", "env", "ls", "nc", "trap"]

    /// The usual service: `httpd` in the foreground on `$PORT`.
    static let serving = """
        FROM scratch
        COPY rootfs/ /
        CMD ["/bin/sh", "-c", "exec httpd -f -p $PORT -h /www"]

        """

    let workspace: TemporaryDirectory
    var root: String { workspace.path + "/project" }

    init(dockerfile: String = BusyboxProject.serving, version: String = "v1") throws {
        workspace = try TemporaryDirectory(prefix: "slipway-docker")
        let bin = root + "/rootfs/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.busybox, toPath: bin + "/busybox")
        for applet in Self.applets where applet != "trap" {
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + applet, withDestinationPath: "busybox")
        }
        try write("ok\n", to: "rootfs/www/health")
        try setVersion(version)
        try write(dockerfile, to: "Dockerfile")
    }

    func write(_ text: String, to relative: String) throws {
        try workspace.write("project/" + relative, text)
    }

    /// What `/version` answers in releases prepared from now on.
    func setVersion(_ version: String) throws {
        try write(version + "\n", to: "rootfs/www/version")
    }

    func remove() {
        workspace.remove()
    }
}
