import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import Logging
import ServiceLifecycle
import SlipwayACME
import SlipwayCore
import SlipwayDatabase
import SlipwayDocker
import SlipwayGit
import SlipwayNotify
import SlipwayPOSIX
import SlipwayModel
import SlipwayProcessRuntime
import SlipwayProxy
import SlipwayStore
import Synchronization

/// `slipway serve`: the controller, the runtime's supervisor and the API, composed in one
/// `ServiceGroup` that shuts down gracefully on SIGTERM/SIGINT, and the proxy as a process of its own
/// (`slipway proxy run`), adopted when one already serves. At a graceful shutdown the proxy stops
/// accepting first; the controller then stops the releases it runs (they are started again at the
/// next start); a daemon killed outright leaves the proxy and the releases running, and the next
/// daemon re-adopts them.
package final class Daemon: Sendable {
    package let config: ProjectConfig
    let logger: Logger
    let state: StateDirectory
    /// The project's secrets: hidden in every record, notification and audit line the daemon writes.
    let redactor: Redactor
    private let group = Mutex<ServiceGroup?>(nil)
    private let apiURL = Mutex<String?>(nil)

    package init(config: ProjectConfig, logger: Logger) {
        self.config = config
        self.logger = logger
        self.state = StateDirectory(path: config.stateDirectory)
        self.redactor = Redactor(secrets: config.secrets)
    }

    package var socketPath: String { state.socket }

    /// Runs until a graceful shutdown (a signal when `handleSignals`, or `shutdown()`).
    /// `onReady` is called once the proxy and the API accept connections.
    package func run(handleSignals: Bool = true, onReady: @escaping @Sendable (SocketAddressSpec) async -> Void = { _ in }) async throws {
        // A file of databases alone (Slipway as a Flyway replacement) gives a daemon nothing to do: say so
        // before anything listens or is written, and point at what works without one.
        guard !config.services.isEmpty else {
            throw SlipwayError(.configInvalid, "nothing to serve: the file declares no services, only databases, "
                               + "and `slipway db` (migrate, info, validate, backup, restore, …) needs no daemon",
                               context: ErrorContext(file: config.file))
        }
        // The TCP API's certificate and key are read before anything starts: a file that is not PEM
        // stops `serve` here, naming it, not at the first client's handshake. With `tls: proxy`, the
        // proxies' certificates, watched for renewals as the proxy watches them.
        let apiCertificates = try sharedProxyCertificates()
        let apiTLS = try apiCertificates.map(ProxyTLS.serverConfiguration) ?? config.api?.tls.map(TLSFiles.load)
        try state.create()
        let lock = try state.lock()
        defer { close(lock) }
        // Builds and checks a dead daemon left running (in staging directories about to be removed).
        let leftovers = StageMarker.marked(state.path).map { ($0, StageMarker.commandLine(of: $0)) }
        StageMarker.kill(leftovers.map(\.0))
        state.removeUnfinishedReleases()

        let store = try SQLiteReleaseStore(path: state.database)
        for (pid, command) in leftovers {
            logger.warning("killed a stage command a dead daemon left running", metadata: ["pid": "\(pid)"])
            try? await store.appendAudit(AuditEntry(at: Date(), actor: "slipway", action: .stageLeftoverKilled,
                                                    detail: "killed pid \(pid) (\(redactor.redact(command))): "
                                                        + "a build, check or smoke command the previous daemon left running when it died"))
        }
        // Each release's output goes through a relay of this very binary, which redacts it.
        let processes = ProcessRuntime(logDirectory: state.logs, logger: logger, relay: .thisExecutable, redactor: redactor)
        let proxy = try await startProxies(store: store)
        // Docker only when a service runs on it; then an absent engine stops the daemon at once, clearly.
        var engine: DockerEngine?
        if config.services.contains(where: { $0.runtime == .docker }) {
            let docker = try DockerEngine(environment: ProcessInfo.processInfo.environment)
            do {
                _ = try await docker.version()
            } catch {
                await docker.shutdown()
                throw error
            }
            engine = docker
        }
        let probe = HTTPHealthProbe()
        // The HTTP clients are shut down however the daemon ends, a failed start included.
        let ended: Result<Void, any Error>
        do {
            try await run(store: store, processes: processes, proxy: proxy, probe: probe, engine: engine,
                          apiTLS: apiTLS, apiCertificates: apiCertificates, handleSignals: handleSignals, onReady: onReady)
            ended = .success(())
        } catch {
            ended = .failure(error)
        }
        await probe.shutdown()
        await engine?.shutdown()
        try ended.get()
    }

    /// Each environment's proxy process (`startProxy`), as the controller's one `TrafficRouter`.
    private func startProxies(store: SQLiteReleaseStore) async throws -> EnvironmentProxies {
        var proxies: [(environment: String, proxy: DetachedProxy)] = []
        for environment in config.environments {
            proxies.append((environment.name, try await startProxy(for: environment, store: store)))
        }
        return EnvironmentProxies(proxies)
    }

    /// Adopts the environment's proxy process serving this state directory (a daemon that was killed
    /// or upgraded left it serving), replaces it by a hand-off when it runs another build, or starts one.
    private func startProxy(for environment: EnvironmentConfig, store: SQLiteReleaseStore) async throws -> DetachedProxy {
        guard let executable = ExecutableIdentity.path() else {
            throw SlipwayError(.internalError, "cannot tell where this slipway binary is (/proc/self/exe), to start the proxy from it")
        }
        let process = ProxyProcess(files: ProxyFiles(stateDirectory: state.path, environment: environment.name),
                                   launch: .init(executable: executable, listen: environment.proxy.listen,
                                                 idleTimeout: environment.proxy.idleTimeout,
                                                 tls: environment.proxy.tls.map(ACMEFiles(stateDirectory: state.path).served)),
                                   logger: logger)
        let start = try await process.start()
        let current = await process.current
        let pid = current.map { "\($0.pid)" } ?? "?"
        // Named only when there are environments: a single proxy's audit reads as it always did.
        let which = environment.isDefault ? "the proxy" : "the \(environment.name) proxy"
        let detail: String? = switch start {
        case .started: nil
        case .adopted: "adopted \(which) process \(pid) that was serving \(current?.listen ?? "?"): no connection was interrupted"
        case .reloaded: "replaced \(which) process of another slipway build by \(pid), handing it the listening socket: no connection was refused"
        case .moved: "\(which) moved to \(current?.listen ?? "?") (process \(pid)); the one on the old address was stopped"
        case .reconfigured: "replaced \(which) process by \(pid) with the configured idle timeout, handing it the listening socket: no connection was refused"
        }
        if let detail {
            logger.notice("proxy process", metadata: ["detail": "\(detail)"])
            try? await store.appendAudit(AuditEntry(at: Date(), actor: "slipway", action: .proxyAdopted, detail: detail))
        }
        return DetachedProxy(process: process, logger: logger) { restarted in
            try? await store.appendAudit(AuditEntry(
                at: Date(), actor: "slipway", action: .proxyRestarted,
                detail: "\(which) process was gone; started it again (process \(restarted.pid)) with its last route table"))
        }
    }

    private func run(store: SQLiteReleaseStore, processes: ProcessRuntime, proxy: EnvironmentProxies, probe: HTTPHealthProbe,
                     engine: DockerEngine?, apiTLS: TLSConfiguration?, apiCertificates: CertificateStore?, handleSignals: Bool,
                     onReady: @escaping @Sendable (SocketAddressSpec) async -> Void) async throws {
        let git = GitReleaseBuilder(repository: config.rootDirectory, releasesDirectory: state.releases, logger: logger,
                                    stageMarker: state.path, redactor: redactor)
        let containers = engine.map { DockerRuntime(engine: $0, logger: logger, project: state.path) }
        let runtime = ServiceRuntimes(processes: processes, containers: containers, sites: StaticSiteRuntime())
        let builder: any ReleaseBuilder = engine.map {
            DockerReleaseBuilder(inner: git, engine: $0, logger: logger, redactor: redactor)
        } ?? git
        let live = LiveDeployments()
        let controller = DeploymentController(
            config: config,
            dependencies: .init(store: store, runtime: runtime, router: proxy, probe: probe, builder: builder, logger: logger,
                                runner: ShellStageRunner(stageMarker: state.path, redactor: redactor),
                                migrator: DatabasePipelineMigrator(config: config, logger: logger),
                                notifier: ChannelNotifier(channels: config.notify, redactor: redactor), redactor: redactor,
                                changes: GitChangeSource(repository: config.rootDirectory), live: live,
                                purger: HTTPPurgeSender()))
        try await controller.recover()

        let queue = DeploymentQueue()
        let audit: @Sendable (AuditEntry) async -> Void = { [redactor] entry in
            var entry = entry
            entry.detail = redactor.redact(entry.detail)
            try? await store.appendAudit(entry)
        }
        let access = APIAccess(tokens: store, audit: audit, now: { Date() })
        let webhook = GitHubWebhook(signature: config.github.map { GitHubSignature(secret: $0.secret) }, deliveries: store,
                                    objects: PushedObjects(repository: config.rootDirectory), config: config,
                                    controller: controller, queue: queue, redactor: redactor, audit: audit, now: { Date() })
        let routes = APIRoutes(controller: controller, queue: queue, access: access, webhook: webhook, redactor: redactor,
                               proxyAddresses: { await proxy.addresses() }, proxyStatistics: { await proxy.statistics() })
        try? FileManager.default.removeItem(atPath: state.socket)
        let socket = state.socket
        // `onReady` once every listener accepts: the unix socket, and the TCP API when configured.
        let ready = ReadyCount(listeners: config.api == nil ? 1 : 2) {
            guard let address = await proxy.addresses().first?.address else { return }
            await onReady(address)
        }
        let api = Application(
            router: router(routes, authentication: UnixPeerAuthentication()),
            configuration: .init(address: .unixDomainSocket(path: socket), serverName: "slipway"),
            onServerRunning: { _ in
                chmod(socket, 0o600)
                await ready.listening()
            },
            logger: logger)
        var listeners: [any Service] = [api]
        if let tcp = config.api {
            // The dashboard is served beside the JSON API, on the TCP listener only (browsers do not reach the socket).
            let dashboard = DashboardRoutes(access: access, sessions: DashboardSessions(),
                                            actions: DashboardActions(controller: controller, queue: queue, redactor: redactor),
                                            pages: try DashboardPages(), status: { try await routes.status() },
                                            records: StoredRecords(store: store, live: live), secure: apiTLS != nil, now: { Date() })
            listeners.append(try tcpAPI(tcp, router: router(routes, authentication: BearerAuthentication(access: access, dashboard: true),
                                                            dashboard: dashboard),
                                     tls: apiTLS, ready: ready))
        }

        // Listed so that shutdown, in reverse order, stops accepting first and stops processes last.
        var services: [any Service] = [LoopService(name: "processes", body: { try await processes.run() })]
        for renewer in try certificateRenewers(audit: audit) {
            services.append(LoopService(name: "certificates", body: { try await renewer.run() }))
        }
        if let apiCertificates { services.append(CertificateWatch(store: apiCertificates, interval: .seconds(2))) }
        if let containers { services.append(LoopService(name: "containers", body: { try await containers.run() })) }
        services += [
            LoopService(name: "runtime", body: { await runtime.run() }),
            LoopService(name: "controller", body: { await controller.run() }, onShutdown: { await controller.stopAll() }),
            LoopService(name: "deployments", body: { await queue.serve() }, onShutdown: { queue.close() }),
            // Watches the proxy process (started again if it dies); a graceful shutdown of the daemon
            // stops it, as it stops the releases. A daemon killed outright leaves it serving.
            LoopService(name: "proxy", body: { await proxy.supervise() }, onShutdown: { await proxy.stop() }),
        ] + listeners + [
            // First to stop: a rollout may wait for a person, and the API's listeners wait for the
            // deployments their clients follow. Each is aborted, so it ends, rolled back, at once.
            LoopService(name: "rollouts", body: { while true { try await Task.sleep(for: .seconds(3600)) } },
                        onShutdown: { await controller.abortRollouts(reason: "the daemon is stopping") }),
        ]
        let serviceGroup = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
            logger: logger))
        group.withLock { $0 = serviceGroup }
        defer { try? FileManager.default.removeItem(atPath: socket) }
        try await serviceGroup.run()
    }

    /// `api.tls: proxy`: every certificate the proxies serve (each host once, the files' and the
    /// ACME hosts' as `ACMEFiles` places them); nil without it.
    private func sharedProxyCertificates() throws -> CertificateStore? {
        guard config.api?.sharesProxyTLS == true else { return nil }
        var certificates: [HostCertificate] = []
        for environment in config.environments {
            guard let tls = environment.proxy.tls else { continue }
            for certificate in ACMEFiles(stateDirectory: state.path).served(tls).certificates
            where !certificates.contains(where: { $0.host == certificate.host }) {
                certificates.append(certificate)
            }
        }
        return try CertificateStore(certificates, logger: logger)
    }

    /// `proxy.tls.acme`: one renewer per distinct ACME setting (environments usually share the
    /// top-level one), each host ordered by the first that lists it. The account key is read (or
    /// made) now: an unreadable one stops `serve`, naming the file.
    private func certificateRenewers(audit: @escaping @Sendable (AuditEntry) async -> Void) throws -> [CertificateRenewer] {
        var settings: [(config: ACMEConfig, hosts: [String])] = []
        var taken: Set<String> = []
        for environment in config.environments {
            guard var acme = environment.proxy.tls?.acme else { continue }
            let hosts = acme.hosts.filter { taken.insert($0).inserted }
            acme.hosts = []
            if let index = settings.firstIndex(where: { $0.config == acme }) {
                settings[index].hosts += hosts
            } else {
                settings.append((acme, hosts))
            }
        }
        guard !settings.isEmpty else { return [] }
        let certificates = ACMECertificates(files: ACMEFiles(stateDirectory: state.path))
        let key = try certificates.accountKey()
        return settings.filter { !$0.hosts.isEmpty }.map { setting in
            CertificateRenewer(config: setting.config, hosts: setting.hosts, certificates: certificates, key: key,
                               clock: SystemClock(), now: { Date() }, audit: audit, logger: logger)
        }
    }

    private func router(_ routes: APIRoutes, authentication: some RouterMiddleware<APIRequestContext>,
                        dashboard: DashboardRoutes? = nil) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        // Outermost: a refused credential is an error answer like any other (401 with WWW-Authenticate).
        router.add(middleware: APIErrorMiddleware(redactor: redactor))
        router.add(middleware: authentication)
        routes.register(on: router)
        dashboard?.register(on: router)
        return router
    }

    /// The API on `api.listen`, with TLS when `api.tls` names the files.
    private func tcpAPI(_ config: APIConfig, router: Router<APIRequestContext>, tls: TLSConfiguration?,
                        ready: ReadyCount) throws -> any Service {
        let server: HTTPServerBuilder = if let tls { try .tls(.http1(), tlsConfiguration: tls) } else { .http1() }
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(config.listen.host, port: config.listen.port), serverName: "slipway"),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? config.listen.port
                let bound = SocketAddressSpec(host: config.listen.host, port: port)
                self.apiURL.withLock { $0 = "\(config.scheme)://\(bound)" }
                await ready.listening()
            },
            logger: logger)
    }

    /// `http(s)://HOST:PORT` of the TCP API once it listens (its real port when the config says 0); nil without `api:`.
    package var tcpAPIURL: String? { apiURL.withLock { $0 } }

    /// Begins a graceful shutdown of a running daemon.
    package func shutdown() async {
        let serviceGroup = group.withLock { $0 }
        await serviceGroup?.triggerGracefulShutdown()
    }
}
