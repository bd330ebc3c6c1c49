import Logging
import ServiceLifecycle

/// Looks at the certificate files every `interval` and reloads the ones that changed
/// (`CertificateStore.reloadChanged`): renewed files are served without a restart.
package struct CertificateWatch: Service {
    let store: CertificateStore
    let interval: Duration

    package init(store: CertificateStore, interval: Duration) {
        self.store = store
        self.interval = interval
    }

    /// Returns (without an error: the proxy process then exits 0) at graceful shutdown.
    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    // A few stat calls; a changed pair is read, parsed and checked off the event loops.
                    store.reloadChanged()
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
