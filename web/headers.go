package web

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// ContentSecurityPolicy is the policy of every response: everything from
// this site only, no inline script or style, no framing, forms posted
// only here. QR codes and charts are inline SVG, which it allows.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the security headers on every response, the API's
// included: the policy above, no sniffing of types, no framing, no
// referrer outside the site, no powerful browser features, and HSTS when
// the site is served over TLS (secure). Every answer is also Cache-Control:
// no-store unless its handler says otherwise (the static files, kept a
// year; a downloaded file, private): pages, API answers, redirects and
// errors all carry personal data or a session, and no shared cache nor
// the browser's back button may keep them.
func SecurityHeaders(secure bool) echo.MiddlewareFunc {
	cfg := middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ContentSecurityPolicy: ContentSecurityPolicy,
		ReferrerPolicy:        "same-origin",
	}
	if secure {
		cfg.HSTSMaxAge = 365 * 24 * 3600
	}
	secureHeaders := middleware.SecureWithConfig(cfg)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := secureHeaders(next)
		return func(c echo.Context) error {
			hd := c.Response().Header()
			hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
			hd.Set("Cross-Origin-Opener-Policy", "same-origin")
			hd.Set("Cross-Origin-Resource-Policy", "same-origin")
			hd.Set("Cache-Control", "no-store")
			return h(c)
		}
	}
}
