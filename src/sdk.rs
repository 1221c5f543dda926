//! The AWS SDK configuration, built once at start-up without work Lambda
//! does not need: in a Lambda sandbox the credentials and region are in the
//! environment, so the profile files are not read, and TLS trusts the
//! Amazon roots compiled into the binary instead of parsing the system's
//! whole certificate store.

use aws_config::environment::{
    EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
};
use aws_config::{BehaviorVersion, SdkConfig};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_sdk_dynamodb::config::SharedHttpClient;
use aws_smithy_http_client::tls::rustls_provider::CryptoMode;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};

/// Loads the SDK configuration. With credentials and region in the
/// environment (always so in Lambda) only the environment is read; otherwise
/// (local tools, a developer's profile) the standard chain is used.
pub async fn load() -> SdkConfig {
    let loader = aws_config::defaults(BehaviorVersion::latest()).http_client(https_client());
    let from_env = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"]
        .iter()
        .all(|name| std::env::var_os(name).is_some());
    let loader = if from_env {
        loader
            // An empty in-memory profile: no file is opened.
            .profile_files(
                EnvConfigFiles::builder()
                    .with_contents(EnvConfigFileKind::Config, "")
                    .build(),
            )
            .region(EnvironmentVariableRegionProvider::new())
            .credentials_provider(EnvironmentVariableCredentialsProvider::new())
    } else {
        loader
    };
    loader.load().await
}

/// The roots AWS service endpoints chain to: Amazon Root CA 1 to 4 and the
/// Starfield root that cross-signs them, as PEM. Five certificates, so TLS
/// setup parses five instead of the ~140 of the system store, and nothing
/// is searched for at start-up.
const AMAZON_ROOTS_PEM: &[u8] = include_bytes!("amazon-roots.pem");

/// HTTPS that verifies certificates against the Amazon roots only.
pub fn https_client() -> SharedHttpClient {
    let trust_store = TrustStore::empty().with_pem_certificate(AMAZON_ROOTS_PEM);
    let tls_context = TlsContext::builder()
        .with_trust_store(trust_store)
        .build()
        .expect("the compiled-in roots are valid");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .tls_context(tls_context)
        .build_https()
}

#[cfg(test)]
mod tests {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;

    /// The compiled-in roots, read by the PEM parser TLS setup uses, are
    /// exactly the Amazon and Starfield Services roots of Mozilla's store,
    /// byte for byte, so they cannot drift from it unnoticed.
    #[test]
    fn trusts_exactly_mozillas_amazon_roots() {
        let subjects: [&[u8]; 2] = [
            b"Amazon Root CA ",
            b"Starfield Services Root Certificate Authority - G2",
        ];
        let mut mozilla: Vec<&[u8]> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|der| der.as_ref())
            .filter(|der| {
                subjects
                    .iter()
                    .any(|subject| der.windows(subject.len()).any(|w| w == *subject))
            })
            .collect();
        let ours: Vec<CertificateDer> = CertificateDer::pem_slice_iter(super::AMAZON_ROOTS_PEM)
            .collect::<Result<_, _>>()
            .expect("valid PEM");
        let mut ours: Vec<&[u8]> = ours.iter().map(|der| der.as_ref()).collect();
        mozilla.sort();
        ours.sort();
        assert_eq!(ours.len(), 5);
        assert_eq!(ours, mozilla);
    }
}
