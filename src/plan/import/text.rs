//! Bytes of an import file to text: UTF-8 (a byte-order mark is dropped), UTF-16 with its
//! byte-order mark (Excel's "Unicode text"), and Windows-1252, the superset of Latin-1 that
//! spreadsheets on Windows write, which is transcoded with a warning naming the first line that
//! is not UTF-8.

use anyhow::{Result, bail};

/// The file's text, and a note for the user when it was transcoded.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub note: Option<crate::util::hint::Hint>,
}

/// Decodes a file's bytes. Fails on binary data and on bytes no encoding kith knows explains.
pub fn decode(bytes: &[u8]) -> Result<Decoded> {
    let plain = |text: String| Decoded { text, note: None };
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_utf8_or_1252(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes).map(plain);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes).map(plain);
    }
    decode_utf8_or_1252(bytes)
}

fn decode_utf8_or_1252(bytes: &[u8]) -> Result<Decoded> {
    let bad = match std::str::from_utf8(bytes) {
        Ok(text) => {
            if let Some(line) = nul_line(bytes) {
                return Err(crate::util::hint::hint(
                    format!("line {line} holds a NUL byte: this is not a text file"),
                    "export the data as CSV (UTF-8) or vCard",
                ));
            }
            return Ok(Decoded {
                text: text.to_string(),
                note: None,
            });
        }
        Err(e) => e.valid_up_to(),
    };
    let line = line_of(bytes, bad);
    if let Some(nul) = nul_line(bytes) {
        return Err(crate::util::hint::hint(
            format!(
                "the file is not UTF-8 text (line {nul} holds a NUL byte: UTF-16 without a byte-order mark, or binary data)"
            ),
            "save it as CSV UTF-8 (Excel: File › Save As › \"CSV UTF-8\")",
        ));
    }
    // 0x81, 0x8D, 0x8F, 0x90 and 0x9D are unassigned in Windows-1252.
    if let Some(pos) = bytes
        .iter()
        .position(|b| matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D))
    {
        return Err(crate::util::hint::hint(
            format!(
                "the file is not UTF-8 text (line {line}) and not Windows-1252 either (byte 0x{:02X} on line {})",
                bytes[pos],
                line_of(bytes, pos)
            ),
            "convert it to UTF-8 first, e.g. `iconv -f ENCODING -t UTF-8 FILE > FILE.utf8`",
        ));
    }
    let text: String = bytes.iter().map(|&b| windows_1252(b)).collect();
    Ok(Decoded {
        text,
        note: Some(crate::util::hint::Hint::new(
            format!(
                "the file is not UTF-8 (line {line} has byte 0x{:02X}); read it as Windows-1252 (Latin-1), the encoding of spreadsheets saved on Windows",
                bytes[bad]
            ),
            "check the names with --dry-run; if they look wrong, convert the file to UTF-8 first",
        )),
    })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String> {
    if !bytes.len().is_multiple_of(2) {
        bail!("the file starts with a UTF-16 byte-order mark but has an odd number of bytes");
    }
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    String::from_utf16(&units).map_err(|_| {
        crate::util::hint::hint(
            "the file starts with a UTF-16 byte-order mark but is not valid UTF-16",
            "save it as CSV UTF-8",
        )
    })
}

/// 1-based line of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + memchr::memchr_iter(b'\n', &bytes[..offset]).count()
}

fn nul_line(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes).map(|pos| line_of(bytes, pos))
}

/// A Windows-1252 byte as a character (Latin-1 but for 0x80–0x9F).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFname\n").unwrap().text, "name\n");
        let d = decode("Zoë\n".as_bytes()).unwrap();
        assert_eq!(d.text, "Zoë\n");
        assert!(d.note.is_none());
    }

    #[test]
    fn latin1_is_transcoded_with_a_note() {
        let d = decode(b"name\nZo\xEB M\xFCller \x80\n").unwrap();
        assert_eq!(d.text, "name\nZoë Müller €\n");
        assert!(d.note.unwrap().message.contains("line 2 has byte 0xEB"));
    }

    #[test]
    fn utf16_and_binary() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a,b".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&le).unwrap().text, "a,b");
        assert!(decode(b"a\0b").unwrap_err().to_string().contains("NUL"));
        assert!(decode(b"x\n\x81").is_err());
    }
}
