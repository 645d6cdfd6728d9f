//! The backup file itself: a tar archive of `manifest.json`, then the payload. Tar because
//! every system can list and unpack it without OComms (`tar -tf`), and it streams: neither
//! writing nor reading holds the database in memory.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::{BackupError, BackupResult, FORMAT, FORMAT_VERSION, Manifest, Payload, io};

const MANIFEST: &str = "manifest.json";
/// A manifest is a few hundred bytes; anything far larger is not one.
const MANIFEST_MAX_BYTES: u64 = 64 * 1024;

/// Size and SHA-256 of the payload file.
pub(super) fn describe(payload: &Path, name: &str) -> BackupResult<Payload> {
    let mut reader = BufReader::new(File::open(payload).map_err(io(payload))?);
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut reader, &mut HashWriter(&mut hasher)).map_err(io(payload))?;
    Ok(Payload {
        name: name.to_owned(),
        bytes,
        sha256: format!("{:x}", hasher.finalize()),
    })
}

/// Writes the archive to `path` (created owner-only) and flushes it to disk.
pub(super) fn pack(path: &Path, manifest: &Manifest, payload: &Path) -> BackupResult<()> {
    let file = create_private(path)?;
    let mut tar = tar::Builder::new(BufWriter::new(file));
    let text = serde_json::to_vec_pretty(manifest)
        .map_err(|e| BackupError::Io(path.to_owned(), e.into()))?;
    let mut header = tar::Header::new_gnu();
    header.set_size(text.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(jiff::Timestamp::now().as_second().max(0).unsigned_abs());
    header.set_cksum();
    tar.append_data(&mut header, MANIFEST, text.as_slice())
        .map_err(io(path))?;
    let mut source = File::open(payload).map_err(io(payload))?;
    tar.append_file(&manifest.payload.name, &mut source)
        .map_err(io(path))?;
    let writer = tar.into_inner().map_err(io(path))?;
    let file = writer
        .into_inner()
        .map_err(|e| BackupError::Io(path.to_owned(), e.into_error()))?;
    file.sync_all().map_err(io(path))?;
    Ok(())
}

/// Reads the archive at `path`: its manifest, and its payload unpacked into `dir`, checked
/// against the manifest's size and SHA-256. Whatever does not check out is an error.
pub(super) fn unpack(path: &Path, dir: &Path) -> BackupResult<(Manifest, PathBuf)> {
    let not_backup = |why: &str| BackupError::NotABackup(path.to_owned(), why.to_owned());
    let file = File::open(path).map_err(io(path))?;
    let mut archive = tar::Archive::new(BufReader::new(file));
    let mut entries = archive
        .entries()
        .map_err(|_| not_backup("not a tar archive"))?;
    let mut first = entries
        .next()
        .ok_or_else(|| not_backup("it holds no archive entries"))?
        .map_err(|_| not_backup("not a tar archive"))?;
    let first_name = first.path().map(|p| p.into_owned()).unwrap_or_default();
    if first_name != Path::new(MANIFEST) || first.size() > MANIFEST_MAX_BYTES {
        return Err(not_backup("it does not start with manifest.json"));
    }
    let mut text = Vec::new();
    first.read_to_end(&mut text).map_err(io(path))?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|e| not_backup(&format!("unreadable manifest.json ({e})")))?;
    if manifest.format != FORMAT {
        return Err(not_backup("its manifest is of another format"));
    }
    if manifest.format_version != FORMAT_VERSION {
        return Err(not_backup(&format!(
            "it is of format version {}, and this ocomms reads version {FORMAT_VERSION}: \
             restore it with the OComms version that made it ({})",
            manifest.format_version, manifest.ocomms_version
        )));
    }
    let expected = manifest.payload.name.as_str();
    if expected.contains('/') || expected.contains('\\') || expected.starts_with('.') {
        return Err(not_backup("its manifest names an unsafe payload file"));
    }
    let mut second = entries
        .next()
        .ok_or_else(|| damaged(path, "payload", expected, "nothing"))?
        .map_err(io(path))?;
    let second_name = second.path().map(|p| p.into_owned()).unwrap_or_default();
    if second_name != Path::new(expected) {
        return Err(damaged(
            path,
            "payload's name",
            expected,
            &second_name.display().to_string(),
        ));
    }
    let target = dir.join(expected);
    let mut out = BufWriter::new(create_private(&target)?);
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut second, &mut Tee(&mut out, &mut hasher))
        .map_err(|e| damaged(path, "payload", "a complete archive", &e.to_string()))?;
    out.flush().map_err(io(&target))?;
    if bytes != manifest.payload.bytes {
        return Err(damaged(
            path,
            "payload's size",
            &manifest.payload.bytes.to_string(),
            &bytes.to_string(),
        ));
    }
    let sha256 = format!("{:x}", hasher.finalize());
    if sha256 != manifest.payload.sha256 {
        return Err(damaged(
            path,
            "payload's SHA-256",
            &manifest.payload.sha256,
            &sha256,
        ));
    }
    Ok((manifest, target))
}

fn damaged(path: &Path, what: &'static str, expected: &str, found: &str) -> BackupError {
    BackupError::Damaged {
        path: path.to_owned(),
        what,
        expected: expected.to_owned(),
        found: found.to_owned(),
    }
}

/// A new file only its owner may read (mode 0600 on Unix).
fn create_private(path: &Path) -> BackupResult<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path).map_err(io(path))
}

/// Feeds what is written to a hasher.
struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes to a file and a hasher at once.
struct Tee<'a, W: Write>(&'a mut W, &'a mut Sha256);

impl<W: Write> Write for Tee<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
