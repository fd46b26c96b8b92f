//! IDX files (the MNIST format) and the gzip wrapper the bundled assets use.
//!
//! IDX: a 4-byte magic `0x00 0x00 <type> <ndim>`, then `ndim` big-endian u32 sizes, then
//! the data. Only unsigned-byte data (`type = 0x08`) occurs in MNIST-like sets. Every
//! check returns an error naming what is wrong, never panics and never yields a partial
//! image.

use std::borrow::Cow;

/// A decoded unsigned-byte IDX array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Idx {
    /// The sizes, outermost first (e.g. `[12000, 28, 28]`).
    pub dims: Vec<usize>,
    /// Row-major bytes, `dims.product()` of them.
    pub data: Vec<u8>,
}

/// Returns `bytes` inflated if they are gzip, or unchanged if they are not (a static host
/// may already have removed the gzip layer).
pub fn gunzip_if_needed(bytes: &[u8]) -> Result<Cow<'_, [u8]>, String> {
    if bytes.len() < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b {
        return Ok(Cow::Borrowed(bytes));
    }
    if bytes.len() < 18 || bytes[2] != 8 {
        return Err("not a valid gzip file (truncated header or unknown method)".into());
    }
    let flags = bytes[3];
    let mut pos = 10;
    let too_short = || "gzip header is truncated".to_string();
    if flags & 0x04 != 0 {
        let xlen = u16::from_le_bytes([
            *bytes.get(pos).ok_or_else(too_short)?,
            *bytes.get(pos + 1).ok_or_else(too_short)?,
        ]) as usize;
        pos += 2 + xlen;
    }
    for bit in [0x08u8, 0x10] {
        if flags & bit != 0 {
            let end = bytes
                .get(pos..)
                .ok_or_else(too_short)?
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(too_short)?;
            pos += end + 1;
        }
    }
    if flags & 0x02 != 0 {
        pos += 2;
    }
    if pos + 8 > bytes.len() {
        return Err(too_short());
    }
    let body = &bytes[pos..bytes.len() - 8];
    let isize = u32::from_le_bytes(bytes[bytes.len() - 4..].try_into().expect("4 bytes"));
    let out = miniz_oxide::inflate::decompress_to_vec_with_limit(body, 256 << 20)
        .map_err(|e| format!("gzip data is corrupt or truncated ({:?})", e.status))?;
    // ISIZE is the length modulo 2^32.
    if out.len() as u32 != isize {
        return Err(format!(
            "gzip length mismatch: trailer says {isize} bytes, got {}",
            out.len()
        ));
    }
    Ok(Cow::Owned(out))
}

/// Parses an unsigned-byte IDX file.
pub fn parse_idx(bytes: &[u8]) -> Result<Idx, String> {
    if bytes.len() < 4 {
        return Err(format!("IDX file is truncated: {} bytes", bytes.len()));
    }
    if bytes[0] != 0 || bytes[1] != 0 {
        return Err("not an IDX file (bad magic number)".into());
    }
    if bytes[2] != 0x08 {
        return Err(format!(
            "IDX element type 0x{:02x} is not unsigned bytes (0x08)",
            bytes[2]
        ));
    }
    let ndim = bytes[3] as usize;
    if ndim == 0 || ndim > 4 {
        return Err(format!("IDX file has {ndim} dimensions; expected 1 to 4"));
    }
    let header = 4 + 4 * ndim;
    if bytes.len() < header {
        return Err("IDX header is truncated".into());
    }
    let dims: Vec<usize> = (0..ndim)
        .map(|i| {
            u32::from_be_bytes(bytes[4 + 4 * i..8 + 4 * i].try_into().expect("4 bytes")) as usize
        })
        .collect();
    let len = dims
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .ok_or("IDX sizes overflow")?;
    let have = bytes.len() - header;
    if have != len {
        return Err(format!("IDX data has {have} bytes but its header {dims:?} needs {len} (truncated or corrupt file)"));
    }
    Ok(Idx {
        dims,
        data: bytes[header..].to_vec(),
    })
}

/// Encodes an unsigned-byte IDX file (used by tests and tools).
pub fn encode_idx(dims: &[usize], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 0x08, dims.len() as u8];
    for d in dims {
        out.extend_from_slice(&(*d as u32).to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn round_trip_and_errors() {
            let data: Vec<u8> = (0..2 * 3 * 4).map(|i| i as u8).collect();
            let bytes = encode_idx(&[2, 3, 4], &data);
            assert_eq!(parse_idx(&bytes).unwrap(), Idx { dims: vec![2, 3, 4], data: data.clone() });
            let err = parse_idx(&bytes[..bytes.len() - 1]).unwrap_err();
            assert!(err.contains("truncated"), "{err}");
            let mut bad = bytes.clone();
            bad[2] = 0x0d;
            assert!(parse_idx(&bad).unwrap_err().contains("unsigned bytes"));
            assert!(parse_idx(&[1, 2]).unwrap_err().contains("truncated"));
            assert!(parse_idx(&[9, 9, 9, 9]).unwrap_err().contains("magic"));
        }
    }

    crate::both_targets_test! {
        fn gzip_is_inflated_and_corruption_is_reported() {
            let raw = encode_idx(&[3], &[7, 8, 9]);
            let deflated = miniz_oxide::deflate::compress_to_vec(&raw, 6);
            let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
            gz.extend_from_slice(&deflated);
            gz.extend_from_slice(&[0, 0, 0, 0]); // CRC (the SHA-256 check covers integrity)
            gz.extend_from_slice(&(raw.len() as u32).to_le_bytes());
            assert_eq!(&*gunzip_if_needed(&gz).unwrap(), &raw[..]);
            assert_eq!(&*gunzip_if_needed(&raw).unwrap(), &raw[..]);
            let truncated = &gz[..gz.len() - 12];
            assert!(gunzip_if_needed(truncated).is_err());
        }
    }
}
