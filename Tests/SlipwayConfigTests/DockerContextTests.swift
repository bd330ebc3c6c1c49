import Foundation
import SlipwayConfig
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `image.context`: the folder of the repository an image is built from, as Compose's `build.context`.
@Suite struct DockerContextTests {
    static func service(context: String, dockerfile: String = "Dockerfile") -> String {
        """
        services:
          api:
            runtime: docker
            image:
              context: \(context)
              dockerfile: \(dockerfile)
            port: 8080
        """
    }

    @Test(arguments: [
        ("services/api", "services/api"), ("./services/api/", "services/api"), ("services//api", "services/api"),
        (".", nil), ("./", nil),
    ])
    func contextIsARelativeDirectoryAndDefaultsToTheRoot(written: String, context: String?) throws {
        let api = try #require(try ConfigLoader.parse(yaml: Self.service(context: "\"\(written)\""), file: "slipway.yml").services.first)
        #expect(api.docker?.context == context)
        #expect(api.docker?.image == .dockerfile("Dockerfile"))
        let without = try ConfigLoader.parse(yaml: "services:\n  api:\n    runtime: docker\n    image: { dockerfile: Dockerfile }\n    port: 80\n",
                                             file: "slipway.yml")
        #expect(without.services.first?.docker?.context == nil)
    }

    @Test func contextOutsideTheRepositoryAbsoluteOrEmptyIsRefused() {
        let yaml = """
        services:
          a:
            runtime: docker
            image: { context: /srv/api, dockerfile: Dockerfile }
            port: 8080
          b:
            runtime: docker
            image: { context: services/../../api, dockerfile: Dockerfile }
            port: 8080
            route: { path: /b }
          c:
            runtime: docker
            image: { context: "", dockerfile: Dockerfile }
            port: 8080
            route: { path: /c }
          d:
            runtime: docker
            image: { context: , dockerfile: Dockerfile }
            port: 8080
            route: { path: /d }
          e:
            runtime: docker
            image: { context: services/api, name: api }
            port: 8080
            route: { path: /e }
        """
        let expected = "a directory of the repository, relative to its root, like services/api"
        #expect(issueLines(yaml) == [
            #"slipway.yml:4:14: services.a.image.context: expected \#(expected), got "/srv/api""#,
            #"slipway.yml:8:14: services.b.image.context: expected \#(expected), got "services/../../api""#,
            #"slipway.yml:13:14: services.c.image.context: expected \#(expected), got """#,
            #"slipway.yml:18:14: services.d.image.context: expected \#(expected), got nothing"#,
            #"slipway.yml:23:14: services.e.image.context: context applies only to an image built from a dockerfile"#,
        ])
    }

    @Test func contextMustBeADirectoryOfTheRepositoryItIsLoadedFrom() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let outside = try TemporaryDirectory()
        defer { outside.remove() }
        try directory.write("services/api/Dockerfile", "FROM scratch\n")
        try directory.write("services/file", "not a directory\n")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/services/linked", withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/services/inside", withDestinationPath: "api")

        let file = try directory.write("slipway.yml", Self.service(context: "services/api"))
        #expect(try ConfigLoader.load(path: file, environment: [:]).services.first?.docker?.context == "services/api")
        try directory.write("slipway.yml", Self.service(context: "services/inside"))
        #expect(try ConfigLoader.load(path: file, environment: [:]).services.first?.docker?.context == "services/inside")

        let cases = [
            ("services/web", #"no directory "services/web" in the repository \#(directory.path)"#),
            ("services/file", #""services/file" is a file, not a directory, in the repository \#(directory.path)"#),
            ("services/linked", #""services/linked" leads out of the repository \#(directory.path) (to \#(resolved(outside.path))) through a symbolic link"#),
        ]
        for (context, message) in cases {
            try directory.write("slipway.yml", Self.service(context: context))
            let error = try #require(throws: ConfigIssues.self) { try ConfigLoader.load(path: file, environment: [:]) }
            #expect(error.description == "\(file):5:7: services.api.image.context: \(message)")
        }
    }

    private func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}
