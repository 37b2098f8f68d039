; Extra steps for the NSIS installer (electron-builder includes build/installer.nsh by default).
;
; electron-builder registers the URL schemes of `protocols` on macOS (Info.plist) and Linux (the
; .desktop file's MimeType) but not in the Windows installers, so the NSIS installer writes them
; here. SHCTX is HKLM for a per-machine install (/allusers: every user has the handler before anyone
; starts the app) and HKCU for a per-user install (/currentuser: no elevation needed).
; The MSI does not run this file: there the app registers itself per user when it starts.

!macro twofoldRegisterScheme SCHEME DESCRIPTION
  WriteRegStr SHCTX "Software\Classes\${SCHEME}" "" "URL:${DESCRIPTION}"
  WriteRegStr SHCTX "Software\Classes\${SCHEME}" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\${SCHEME}\DefaultIcon" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}",0'
  ; "%1" is quoted so that a link with spaces arrives as one argument, never as extra switches.
  WriteRegStr SHCTX "Software\Classes\${SCHEME}\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
!macroend

!macro twofoldUnregisterScheme SCHEME
  ; Remove a scheme only while it still opens this installation: another authenticator may have
  ; taken otpauth:// over since, and uninstalling Twofold must not break it.
  Push $0
  ReadRegStr $0 SHCTX "Software\Classes\${SCHEME}\shell\open\command" ""
  ${If} $0 == '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
    DeleteRegKey SHCTX "Software\Classes\${SCHEME}"
  ${EndIf}
  Pop $0
!macroend

!macro customInstall
  !insertmacro twofoldRegisterScheme "otpauth" "otpauth authenticator link"
  !insertmacro twofoldRegisterScheme "twofold" "Twofold enrollment link"
!macroend

!macro customUnInstall
  ; An update runs the old uninstaller first; the new installer registers the schemes again, so
  ; keep them meanwhile rather than leave links without a handler.
  ${IfNot} ${isUpdated}
    !insertmacro twofoldUnregisterScheme "otpauth"
    !insertmacro twofoldUnregisterScheme "twofold"
  ${EndIf}
!macroend
