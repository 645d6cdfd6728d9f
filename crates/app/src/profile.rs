//! Profiles and avatars.

use std::io::Cursor;

use image::{ImageError, ImageFormat, ImageReader};
use ocomms_domain::{AllValid, handle, profile as rules, validation};
use ocomms_proto::UserId;
use ocomms_proto::account::{Profile, ProfileUpdate};
use ocomms_store::{ProfileFields, StoreError, UserRecord};

use crate::{Actor, App, AppError, AppResult};

/// Uploads above this are refused before decoding.
pub const AVATAR_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Stored avatars are square PNGs of this side.
const AVATAR_SIDE: u32 = 256;
/// A small file can claim huge dimensions (a decompression bomb); refuse before allocating.
const MAX_DIMENSION: u32 = 8_000;
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;

/// An avatar ready to serve, with the tag browsers revalidate against.
#[derive(Debug, Clone)]
pub enum AvatarImage {
    Png { bytes: Vec<u8>, etag: String },
    Generated { svg: String, etag: String },
}

pub(crate) fn profile_of(user: &UserRecord) -> Profile {
    Profile {
        user_id: user.id,
        display_name: user.display_name.clone(),
        handle: user.handle.clone(),
        title: user.title.clone(),
        bio: user.bio.clone(),
        time_zone: user.time_zone.clone(),
        avatar_url: format!("/avatars/{}?v={}", user.id, avatar_tag(user)),
    }
}

/// Changes with every upload, and with the display name while the generated avatar (which
/// shows initials) is used, so a cached image is never stale.
fn avatar_tag(user: &UserRecord) -> String {
    if user.avatar_version > 0 {
        return user.avatar_version.to_string();
    }
    let hash = user
        .display_name
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
    format!("g{:x}", hash & 0xffff_ffff)
}

impl App {
    /// The actor's own profile fields; absent fields stay as they are.
    pub async fn update_profile(&self, actor: &Actor, update: ProfileUpdate) -> AppResult<Profile> {
        let user = &actor.user;
        let (display_name, handle, title, bio, time_zone) = (
            update
                .display_name
                .as_deref()
                .map(validation::display_name)
                .transpose(),
            update.handle.as_deref().map(handle::handle).transpose(),
            update.title.as_deref().map(rules::title).transpose(),
            update.bio.as_deref().map(rules::bio).transpose(),
            update
                .time_zone
                .as_deref()
                .map(rules::time_zone)
                .transpose(),
        )
            .all_valid()?;
        let fields = ProfileFields {
            display_name: display_name.unwrap_or_else(|| user.display_name.clone()),
            handle: handle.unwrap_or_else(|| user.handle.clone()),
            title: title.unwrap_or_else(|| user.title.clone()),
            bio: bio.unwrap_or_else(|| user.bio.clone()),
            time_zone: time_zone.unwrap_or_else(|| user.time_zone.clone()),
        };
        self.store()
            .update_profile(user.id, &fields)
            .await
            .map_err(|e| match e {
                StoreError::Conflict => AppError::HandleTaken(fields.handle.clone()),
                other => other.into(),
            })?;
        self.user_changed(user.id);
        self.fresh_profile(user.id).await
    }

    /// Someone's profile, visible to people who share a workspace with them.
    pub async fn profile(&self, actor: &Actor, user: UserId) -> AppResult<Profile> {
        if !self
            .store()
            .users_share_workspace(actor.user.id, user)
            .await?
        {
            return Err(AppError::NotFound("User"));
        }
        self.fresh_profile(user).await
    }

    async fn fresh_profile(&self, user: UserId) -> AppResult<Profile> {
        let record = self
            .store()
            .user_by_id(user)
            .await?
            .ok_or(AppError::NotFound("User"))?;
        Ok(profile_of(&record))
    }

    /// Replaces the actor's avatar with an uploaded image, re-encoded as a square PNG.
    pub async fn set_avatar(&self, actor: &Actor, upload: Vec<u8>) -> AppResult<Profile> {
        if upload.len() > AVATAR_MAX_BYTES {
            return Err(AppError::TooLarge(AVATAR_MAX_BYTES / (1024 * 1024)));
        }
        let png = tokio::task::spawn_blocking(move || square_png(&upload))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        self.store()
            .set_avatar(actor.user.id, &png, super::now())
            .await?;
        self.user_changed(actor.user.id);
        self.fresh_profile(actor.user.id).await
    }

    /// Back to the generated avatar.
    pub async fn clear_avatar(&self, actor: &Actor) -> AppResult<Profile> {
        self.store().clear_avatar(actor.user.id).await?;
        self.user_changed(actor.user.id);
        self.fresh_profile(actor.user.id).await
    }

    /// The avatar image of someone who shares a workspace with the actor.
    pub async fn avatar(&self, actor: &Actor, user: UserId) -> AppResult<AvatarImage> {
        if !self
            .store()
            .users_share_workspace(actor.user.id, user)
            .await?
        {
            return Err(AppError::NotFound("User"));
        }
        let record = self
            .store()
            .user_by_id(user)
            .await?
            .ok_or(AppError::NotFound("User"))?;
        let etag = format!("\"{}-{}\"", record.id, avatar_tag(&record));
        if record.avatar_version > 0
            && let Some(bytes) = self.store().avatar(user).await?
        {
            return Ok(AvatarImage::Png { bytes, etag });
        }
        Ok(AvatarImage::Generated {
            svg: generated_svg(&record),
            etag,
        })
    }
}

/// Decodes an upload (PNG, JPEG, WebP or GIF only, bounded dimensions and memory), crops the
/// centre square and scales it to `AVATAR_SIDE`. Re-encoding drops metadata (EXIF, GPS) and
/// anything a crafted file might hide.
fn square_png(upload: &[u8]) -> AppResult<Vec<u8>> {
    let unsupported = || {
        AppError::UnsupportedMedia(
            "That file is not an image we can use. Upload a PNG, JPEG, WebP or GIF.".into(),
        )
    };
    let mut reader = ImageReader::new(Cursor::new(upload))
        .with_guessed_format()
        .map_err(|_| unsupported())?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif) => {}
        _ => return Err(unsupported()),
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| match e {
        ImageError::Limits(_) => AppError::UnsupportedMedia(format!(
            "That image is too large to process: at most {MAX_DIMENSION}×{MAX_DIMENSION} pixels."
        )),
        _ => AppError::UnsupportedMedia(
            "That image could not be read; the file may be damaged. Try another one.".into(),
        ),
    })?;
    let side = image.width().min(image.height());
    let square = image.crop_imm(
        (image.width() - side) / 2,
        (image.height() - side) / 2,
        side,
        side,
    );
    let scaled = if side > AVATAR_SIDE {
        square.resize_exact(
            AVATAR_SIDE,
            AVATAR_SIDE,
            image::imageops::FilterType::Triangle,
        )
    } else {
        square
    };
    let mut png = Cursor::new(Vec::new());
    scaled
        .to_rgba8()
        .write_to(&mut png, ImageFormat::Png)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(png.into_inner())
}

/// Initials on a colour picked from the user id: stable, distinct, no upload needed.
fn generated_svg(user: &UserRecord) -> String {
    const COLOURS: [&str; 8] = [
        "#4f46e5", "#0891b2", "#059669", "#ca8a04", "#dc2626", "#db2777", "#7c3aed", "#475569",
    ];
    let colour = COLOURS[usize::try_from(user.id.0.rem_euclid(8)).unwrap_or(0)];
    let initials = ocomms_domain::markdown::escape(&rules::initials(&user.display_name));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\" width=\"64\" height=\"64\">\
         <rect width=\"64\" height=\"64\" rx=\"12\" fill=\"{colour}\"/>\
         <text x=\"32\" y=\"41\" font-family=\"system-ui,sans-serif\" font-size=\"26\" \
         font-weight=\"600\" fill=\"#fff\" text-anchor=\"middle\">{initials}</text></svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_of(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([10, 200, 30, 255]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn uploads_become_square_pngs() {
        let out = square_png(&png_of(600, 300)).unwrap();
        let decoded = image::load_from_memory(&out).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (256, 256));
        let small = image::load_from_memory(&square_png(&png_of(40, 50)).unwrap()).unwrap();
        assert_eq!((small.width(), small.height()), (40, 40));
    }

    #[test]
    fn non_images_and_bombs_are_refused() {
        assert!(matches!(
            square_png(b"GIF89a not really"),
            Err(AppError::UnsupportedMedia(_))
        ));
        assert!(matches!(
            square_png(b"hello world"),
            Err(AppError::UnsupportedMedia(_))
        ));
        // A valid PNG header claiming 100000×100000 pixels.
        let mut bomb = png_of(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(matches!(
            square_png(&bomb),
            Err(AppError::UnsupportedMedia(_))
        ));
    }
}
