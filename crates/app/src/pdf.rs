//! The report as PDF: LibreOffice's rendering of the DOCX, so the PDF is the document the DOCX
//! shows.

/// Convert a DOCX to PDF with LibreOffice (`soffice`, found on PATH or at `THEODOI_SOFFICE`). Runs
/// in a private profile and a temporary folder, removed afterwards.
pub async fn docx_to_pdf(docx: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    let soffice = std::env::var("THEODOI_SOFFICE").unwrap_or_else(|_| "soffice".into());
    let dir = temp_dir()?;
    let input = dir.join("bao-cao.docx");
    tokio::fs::write(&input, docx).await?;
    let profile = dir.join("profile");
    let out = tokio::process::Command::new(&soffice)
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&input)
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "PDF needs LibreOffice ({soffice}: {e}); install libreoffice-writer-nogui or set THEODOI_SOFFICE"
            )
        });
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            let _ = tokio::fs::remove_dir_all(&dir).await;
            return Err(e);
        }
    };
    let pdf = dir.join("bao-cao.pdf");
    let bytes = tokio::fs::read(&pdf).await.map_err(|_| {
        anyhow::anyhow!(
            "LibreOffice did not produce a PDF: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
    });
    let _ = tokio::fs::remove_dir_all(&dir).await;
    bytes
}

/// A fresh folder under the system's temporary directory.
fn temp_dir() -> anyhow::Result<std::path::PathBuf> {
    let name = format!("theodoi-pdf-{}", crate::password::random_token(8)?);
    let dir = std::env::temp_dir().join(name);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
