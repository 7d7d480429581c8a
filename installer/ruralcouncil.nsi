; Windows installer for RuralCouncil, made from the PyInstaller one-folder build.
;
;   pyinstaller --noconfirm --clean installer\ruralcouncil.spec
;   makensis /WX /DVERSION=0.1.0 installer\ruralcouncil.nsi
;
; (installer/compile-nsis.sh does the same on Linux, with a fake payload when no build is
; given.) Defines, all optional:
;   VERSION      the program's version, default 0.1.0 (ruralcouncil/__init__.py)
;   BUILD_DIR    the one-folder build, default ..\dist\ruralcouncil
;   OUT_FILE     the setup program, default ..\dist\RuralCouncil-<VERSION>-setup.exe
;   VI_VERSION   the numeric a.b.c.d of the file's version resource, default from VERSION
;   ICON_FILE    default ..\resources\icons\ruralcouncil.ico (NSIS's own icons without it)
;   ONLY_LANGUAGE  Kazakh, Russian or English: a one-language build, for testing that each
;                language's texts are complete (makensis /WX fails on a missing string)
;
; Installs for the current user only (no administrator rights needed, which an akimat PC
; often does not give): the program goes to %LOCALAPPDATA%\Programs\RuralCouncil, with a
; Start menu folder, a desktop shortcut and an entry in "Apps and features". A newer setup
; run over an older one replaces the program files in place. The ledger lives in the user
; data folder (%LOCALAPPDATA%\RuralCouncil), or in data\ beside a portable copy: neither the
; installer nor the uninstaller ever touches it, nor any backup.
;
; The pages are in Kazakh, Russian or English: the PC's language picks one and a dialog
; offers the others (not in silent mode, /S). NSIS ships no Kazakh, so the Kazakh texts are
; in nsis\Kazakh.nlf and nsis\Kazakh.nsh; this installer's own texts are in
; nsis\Messages.nsh. This file stays ASCII; those are UTF-8 with a byte order mark.

Unicode true
SetCompressor /SOLID lzma
ManifestDPIAware true

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef BUILD_DIR
  !define BUILD_DIR "..\dist\ruralcouncil"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "..\dist\RuralCouncil-${VERSION}-setup.exe"
!endif
!ifndef ICON_FILE
  !define ICON_FILE "..\resources\icons\ruralcouncil.ico"
!endif

; The version resource needs four numbers: 0.1.0 -> 0.1.0.0, 0.2.1rc1 -> 0.2.1.0.
!ifndef VI_VERSION
  !searchparse /noerrors "${VERSION}" "" VI_MAJOR "." VI_MINOR "." VI_PATCH
  !ifndef VI_PATCH
    !error "VERSION must look like MAJOR.MINOR.PATCH (got ${VERSION}); or give VI_VERSION"
  !endif
  !define /math VI_PATCH_NUMBER "${VI_PATCH}" + 0
  !define VI_VERSION "${VI_MAJOR}.${VI_MINOR}.${VI_PATCH_NUMBER}.0"
!endif

!define APP_NAME "RuralCouncil"
!define APP_KEY "Software\${APP_NAME}"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_NAME}"
!define PUBLISHER "RuralCouncil project"

; Refuse a build folder that is not a Windows one-folder build, or that has been used as a
; portable copy (it would carry someone's ledger in data\).
!if ! /FileExists "${BUILD_DIR}\ruralcouncil.exe"
  !error "${BUILD_DIR}\ruralcouncil.exe is missing: build with installer\ruralcouncil.spec on Windows"
!endif
!if ! /FileExists "${BUILD_DIR}\ruralcouncil-gui.exe"
  !error "${BUILD_DIR}\ruralcouncil-gui.exe is missing: build with installer\ruralcouncil.spec on Windows"
!endif
!if ! /FileExists "${BUILD_DIR}\_internal\*.*"
  !error "${BUILD_DIR}\_internal is missing: build with installer\ruralcouncil.spec on Windows"
!endif
!if /FileExists "${BUILD_DIR}\portable.txt"
  !error "${BUILD_DIR} has been used as a portable copy (portable.txt); use a fresh build"
!endif
!if /FileExists "${BUILD_DIR}\data\*.*"
  !error "${BUILD_DIR} has a data folder (a portable copy's ledger?); use a fresh build"
!endif

Name "${APP_NAME} ${VERSION}"
OutFile "${OUT_FILE}"
BrandingText "${APP_NAME} ${VERSION}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${APP_KEY}" "InstallDir"

VIProductVersion "${VI_VERSION}"
VIFileVersion "${VI_VERSION}"
VIAddVersionKey /LANG=1033 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP_NAME} ${VERSION} setup"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "GPL-3.0-or-later"

!include "MUI2.nsh"
!include "LogicLib.nsh"

;--------------------------------
; Interface

!if /FileExists "${ICON_FILE}"
  !define MUI_ICON "${ICON_FILE}"
  !define MUI_UNICON "${ICON_FILE}"
!endif

!define MUI_ABORTWARNING
!define MUI_UNABORTWARNING

; The language chosen is remembered for the next setup and for the uninstaller.
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "${APP_KEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
!define MUI_LANGDLL_WINDOWTITLE "${APP_NAME}"
; (MUI_LANGDLL_INFO, in all three languages, is in nsis\Messages.nsh.)

;--------------------------------
; Pages

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_TEXT "$(RC_FINISH_TEXT)"
!define MUI_FINISHPAGE_TEXT_LARGE
!define MUI_FINISHPAGE_RUN "$INSTDIR\ruralcouncil-gui.exe"
!insertmacro MUI_PAGE_FINISH

!define MUI_PAGE_CUSTOMFUNCTION_SHOW un.ConfirmShow
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

;--------------------------------
; Languages: the first is the fallback when the PC's language is none of them.

!macro RC_LANGUAGE NAME
  !if "${NAME}" == "Kazakh"
    !insertmacro MUI_LANGUAGEEX "nsis" "Kazakh"
  !else
    !insertmacro MUI_LANGUAGE "${NAME}"
  !endif
!macroend

!ifdef ONLY_LANGUAGE
  !insertmacro RC_LANGUAGE "${ONLY_LANGUAGE}"
!else
  !insertmacro RC_LANGUAGE "Kazakh"
  !insertmacro RC_LANGUAGE "Russian"
  !insertmacro RC_LANGUAGE "English"
!endif

!include "nsis\Messages.nsh"

!insertmacro MUI_RESERVEFILE_LANGDLL

;--------------------------------
; Is the program running? Windows does not let a running executable be opened for
; writing, so trying that on both executables is a cheap test that needs no plugin.

!macro RC_CHECK_NOT_RUNNING_FUNCTION PREFIX MESSAGE
  Function ${PREFIX}CheckNotRunning
    Push $0
    Push $1
    Push $2
    retry:
    StrCpy $2 0 ; attempts: an antivirus scan may hold a file for a moment
    again:
    StrCpy $0 ""
    ${If} ${FileExists} "$INSTDIR\ruralcouncil.exe"
      ClearErrors
      FileOpen $1 "$INSTDIR\ruralcouncil.exe" a
      ${If} ${Errors}
        StrCpy $0 "ruralcouncil.exe"
      ${Else}
        FileClose $1
      ${EndIf}
    ${EndIf}
    ${If} ${FileExists} "$INSTDIR\ruralcouncil-gui.exe"
      ClearErrors
      FileOpen $1 "$INSTDIR\ruralcouncil-gui.exe" a
      ${If} ${Errors}
        StrCpy $0 "ruralcouncil-gui.exe"
      ${Else}
        FileClose $1
      ${EndIf}
    ${EndIf}
    ${If} $0 != ""
      IntOp $2 $2 + 1
      ${If} $2 < 3
        Sleep 1000
        Goto again
      ${EndIf}
      DetailPrint "$INSTDIR\$0: $(${MESSAGE})"
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(${MESSAGE})" /SD IDCANCEL IDRETRY retry
      Pop $2
      Pop $1
      Pop $0
      Abort "$(${MESSAGE})"
    ${EndIf}
    Pop $2
    Pop $1
    Pop $0
  FunctionEnd
!macroend

!insertmacro RC_CHECK_NOT_RUNNING_FUNCTION "" RC_RUNNING
!insertmacro RC_CHECK_NOT_RUNNING_FUNCTION "un." RC_UN_RUNNING

;--------------------------------
; Installer

Function .onInit
  SetShellVarContext current
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Section "RuralCouncil" SecMain
  SectionIn RO
  Call CheckNotRunning

  ; An upgrade replaces the program files; an old _internal folder must not linger. Nothing
  ; else in the folder is touched (a portable copy's data\ included).
  ${If} ${FileExists} "$INSTDIR\_internal\*.*"
    DetailPrint "$(RC_DETAIL_OLD_FILES)"
    RMDir /r "$INSTDIR\_internal"
  ${EndIf}
  SetOutPath "$INSTDIR"
  File "${BUILD_DIR}\ruralcouncil.exe"
  File "${BUILD_DIR}\ruralcouncil-gui.exe"
  SetOutPath "$INSTDIR\_internal"
  File /r "${BUILD_DIR}\_internal\*"
  SetOutPath "$INSTDIR"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; Shortcuts carry the language's names; those an earlier setup made (maybe in another
  ; language, or the English-only name of the first version of this script) go first.
  ReadRegStr $0 HKCU "${APP_KEY}" "ShortcutUninstall"
  ${If} $0 != ""
    Delete "$SMPROGRAMS\${APP_NAME}\$0.lnk"
  ${EndIf}
  ReadRegStr $0 HKCU "${APP_KEY}" "ShortcutApp"
  ${If} $0 != ""
    Delete "$SMPROGRAMS\${APP_NAME}\$0.lnk"
    Delete "$DESKTOP\$0.lnk"
  ${EndIf}
  Delete "$SMPROGRAMS\${APP_NAME}\Uninstall ${APP_NAME}.lnk"

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\$(RC_SHORTCUT_APP).lnk" "$INSTDIR\ruralcouncil-gui.exe" \
    "" "$INSTDIR\ruralcouncil-gui.exe" 0 SW_SHOWNORMAL "" "$(RC_SHORTCUT_DESCRIPTION)"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\$(RC_SHORTCUT_UNINSTALL).lnk" "$INSTDIR\uninstall.exe" \
    "" "$INSTDIR\uninstall.exe" 0
  CreateShortcut "$DESKTOP\$(RC_SHORTCUT_APP).lnk" "$INSTDIR\ruralcouncil-gui.exe" \
    "" "$INSTDIR\ruralcouncil-gui.exe" 0 SW_SHOWNORMAL "" "$(RC_SHORTCUT_DESCRIPTION)"

  WriteRegStr HKCU "${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${APP_KEY}" "InstallerLanguage" "$LANGUAGE"
  WriteRegStr HKCU "${APP_KEY}" "ShortcutApp" "$(RC_SHORTCUT_APP)"
  WriteRegStr HKCU "${APP_KEY}" "ShortcutUninstall" "$(RC_SHORTCUT_UNINSTALL)"

  SectionGetSize ${SecMain} $0
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\ruralcouncil-gui.exe,0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1

  DetailPrint "$(RC_DETAIL_DATA_KEPT)"
SectionEnd

;--------------------------------
; Uninstaller

Function un.onInit
  SetShellVarContext current
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

; The confirm page says what stays: a note under the folder box, in the page's font.
Function un.ConfirmShow
  System::Call "*(i 0, i 0, i 0, i 0) p.r1"
  System::Call "user32::GetWindowRect(p $mui.UnConfirmPage.Directory, p r1)"
  System::Call "user32::MapWindowPoints(p 0, p $mui.UnConfirmPage, p r1, i 2)"
  System::Call "*$1(i, i, i, i .r2)"
  System::Call "user32::GetClientRect(p $mui.UnConfirmPage, p r1)"
  System::Call "*$1(i, i, i .r3, i .r4)"
  System::Free $1
  IntOp $2 $2 + 16
  IntOp $4 $4 - $2
  StrCpy $5 "$(RC_UNCONFIRM_TEXT)"
  ; WS_CHILD | WS_VISIBLE, a plain static text
  System::Call "user32::CreateWindowExW(i 0, w 'STATIC', w r5, i 0x50000000, i 0, i r2, i r3, i r4, p $mui.UnConfirmPage, p 0, p 0, p 0) p.r6"
  SendMessage $mui.UnConfirmPage.Text ${WM_GETFONT} 0 0 $7
  SendMessage $6 ${WM_SETFONT} $7 1
FunctionEnd

Section "Uninstall"
  Call un.CheckNotRunning

  ; Only what the installer put there: never a ledger (*.ruralcouncil), a backup, a data\
  ; folder or anything else someone saved in the program's folder.
  Delete "$INSTDIR\ruralcouncil.exe"
  Delete "$INSTDIR\ruralcouncil-gui.exe"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  ReadRegStr $0 HKCU "${APP_KEY}" "ShortcutApp"
  ${If} $0 != ""
    Delete "$SMPROGRAMS\${APP_NAME}\$0.lnk"
    Delete "$DESKTOP\$0.lnk"
  ${EndIf}
  ReadRegStr $0 HKCU "${APP_KEY}" "ShortcutUninstall"
  ${If} $0 != ""
    Delete "$SMPROGRAMS\${APP_NAME}\$0.lnk"
  ${EndIf}
  Delete "$SMPROGRAMS\${APP_NAME}\$(RC_SHORTCUT_APP).lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\$(RC_SHORTCUT_UNINSTALL).lnk"
  Delete "$DESKTOP\$(RC_SHORTCUT_APP).lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\Uninstall ${APP_NAME}.lnk"
  RMDir "$SMPROGRAMS\${APP_NAME}"

  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ; Only the installer's own values: the program keeps its remembered folders under
  ; ${APP_KEY}\${APP_NAME}, and the key stays while that is there.
  DeleteRegValue HKCU "${APP_KEY}" "InstallDir"
  DeleteRegValue HKCU "${APP_KEY}" "InstallerLanguage"
  DeleteRegValue HKCU "${APP_KEY}" "ShortcutApp"
  DeleteRegValue HKCU "${APP_KEY}" "ShortcutUninstall"
  DeleteRegKey /ifempty HKCU "${APP_KEY}"

  DetailPrint "$(RC_DETAIL_DATA_KEPT)"
SectionEnd
