import Foundation
import PackagePlugin

/// Writes `BuildRevision.swift` before each build of the CLI: the commit the package was built
/// from, so `slipway --version` names it. A prebuild command (it runs every build: the commit
/// changes without any input file changing); the file is only replaced when its text changes, so
/// an unchanged commit recompiles nothing.
@main
struct BuildRevision: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        let file = output.appending(path: "BuildRevision.swift").path
        let root = context.package.directoryURL.path
        // `git describe` when the checkout is a git repository, else "unknown" (a tarball).
        let script = """
            set -u
            commit=$(git -C '\(root)' rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
            dirty=$(git -C '\(root)' status --porcelain --untracked-files=no 2>/dev/null | head -c1)
            [ -n "$dirty" ] && commit="$commit+changes"
            mkdir -p '\(output.path)'
            text="/// Written by the BuildRevision plugin: the commit this binary was built from.
            package let buildRevision = \\"$commit\\""
            if [ ! -f '\(file)' ] || [ "$(cat '\(file)')" != "$text" ]; then printf '%s\\n' "$text" > '\(file)'; fi
            """
        return [.prebuildCommand(displayName: "Recording the build's commit", executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: ["-c", script], outputFilesDirectory: output)]
    }
}
