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
use base64::Engine as _;

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

/// The subjects of the roots AWS service endpoints chain to: Amazon Root CA
/// 1 to 4 (Amazon Trust Services) and the Starfield root that cross-signs them.
const AMAZON_ROOTS: [&[u8]; 2] = [
    b"Amazon Root CA ",
    b"Starfield Services Root Certificate Authority - G2",
];

/// HTTPS that verifies certificates against the Amazon roots only.
pub fn https_client() -> SharedHttpClient {
    let trust_store = TrustStore::empty().with_pem_certificate(amazon_roots_pem().into_bytes());
    let tls_context = TlsContext::builder()
        .with_trust_store(trust_store)
        .build()
        .expect("the compiled-in roots are valid");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .tls_context(tls_context)
        .build_https()
}

/// The Amazon roots of Mozilla's store (webpki-root-certs) as PEM: 5
/// certificates parsed at start-up instead of the ~140 of the system store
/// read from disk.
fn amazon_roots_pem() -> String {
    let mut pem = String::new();
    for der in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        let der: &[u8] = der.as_ref();
        if AMAZON_ROOTS
            .iter()
            .any(|subject| der.windows(subject.len()).any(|w| w == *subject))
        {
            pem.push_str("-----BEGIN CERTIFICATE-----\n");
            pem.push_str(&base64::engine::general_purpose::STANDARD.encode(der));
            pem.push_str("\n-----END CERTIFICATE-----\n");
        }
    }
    pem
}

#[cfg(test)]
mod tests {
    #[test]
    fn trusts_exactly_the_amazon_roots() {
        let pem = super::amazon_roots_pem();
        assert_eq!(
            pem.matches("-----BEGIN CERTIFICATE-----").count(),
            5,
            "{pem}"
        );
        super::https_client();
    }
}
