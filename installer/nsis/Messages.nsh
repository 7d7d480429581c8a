; RuralCouncil's own installer texts in the installer's three languages (Kazakh, Russian,
; English), included by ../ruralcouncil.nsi after the MUI_LANGUAGE macros. The words are the
; program's own (resources/translations/kk.po, ru.po): ledger = бухгалтерлік кітап / книга
; учёта, backup = сақтық көшірме / резервная копия, data folder = деректер қалтасы / папка
; данных. Each block is guarded so a one-language test build (-DONLY_LANGUAGE=...) compiles.
; This file is UTF-8 with a BOM, so makensis reads it as UTF-8 on any system.

; The language dialog comes before any language is chosen, so it speaks all three.
!define MUI_LANGDLL_INFO "Тілді таңдаңыз. / Выберите язык. / Please select a language."

!ifdef LANG_KAZAKH
LangString RC_SHORTCUT_APP ${LANG_KAZAKH} "RuralCouncil"
LangString RC_SHORTCUT_UNINSTALL ${LANG_KAZAKH} "RuralCouncil бағдарламасын жою"
LangString RC_SHORTCUT_DESCRIPTION ${LANG_KAZAKH} "Ауылдық кеңестің бюджеттік бухгалтерлік кітабы"
LangString RC_RUNNING ${LANG_KAZAKH} "RuralCouncil бағдарламасы қазір ашық тұр, сондықтан оның файлдарын ауыстыру мүмкін емес.$\r$\n$\r$\nБағдарламаны (оның барлық терезелерін) жауып, «Қайталау» түймесін басыңыз. Орнатуды тоқтату үшін «Болдырмау» түймесін басыңыз."
LangString RC_UN_RUNNING ${LANG_KAZAKH} "RuralCouncil бағдарламасы қазір ашық тұр, сондықтан оны жою мүмкін емес.$\r$\n$\r$\nБағдарламаны (оның барлық терезелерін) жауып, «Қайталау» түймесін басыңыз. Жоюды тоқтату үшін «Болдырмау» түймесін басыңыз."
LangString RC_FINISH_TEXT ${LANG_KAZAKH} "$(^NameDA) бағдарламасы компьютеріңізге орнатылды.$\r$\n$\r$\nБухгалтерлік кітабыңыз бен оның сақтық көшірмелері $LOCALAPPDATA\RuralCouncil қалтасында сақталады. Бағдарламаны жаңарту немесе жою оларға ешқашан тиіспейді."
LangString RC_UNCONFIRM_TEXT ${LANG_KAZAKH} "Бағдарламаның өз файлдары ғана жойылады. Бухгалтерлік кітабыңыз, сақтық көшірмелер және деректер қалтасы ($LOCALAPPDATA\RuralCouncil немесе портативті көшірменің жанындағы data қалтасы) өшірілмейді."
LangString RC_DETAIL_OLD_FILES ${LANG_KAZAKH} "Алдыңғы нұсқаның бағдарлама файлдары жойылуда"
LangString RC_DETAIL_DATA_KEPT ${LANG_KAZAKH} "Бухгалтерлік кітап пен сақтық көшірмелер орнында қалды: $LOCALAPPDATA\RuralCouncil"
!endif

!ifdef LANG_RUSSIAN
LangString RC_SHORTCUT_APP ${LANG_RUSSIAN} "RuralCouncil"
LangString RC_SHORTCUT_UNINSTALL ${LANG_RUSSIAN} "Удалить RuralCouncil"
LangString RC_SHORTCUT_DESCRIPTION ${LANG_RUSSIAN} "Книга учёта бюджета сельского совета"
LangString RC_RUNNING ${LANG_RUSSIAN} "Программа RuralCouncil сейчас открыта, поэтому её файлы нельзя заменить.$\r$\n$\r$\nЗакройте программу (все её окна) и нажмите «Повтор». Чтобы прервать установку, нажмите «Отмена»."
LangString RC_UN_RUNNING ${LANG_RUSSIAN} "Программа RuralCouncil сейчас открыта, поэтому её нельзя удалить.$\r$\n$\r$\nЗакройте программу (все её окна) и нажмите «Повтор». Чтобы прервать удаление, нажмите «Отмена»."
LangString RC_FINISH_TEXT ${LANG_RUSSIAN} "Программа $(^NameDA) установлена на ваш компьютер.$\r$\n$\r$\nВаша книга учёта и её резервные копии хранятся в папке $LOCALAPPDATA\RuralCouncil. Обновление или удаление программы их никогда не затрагивает."
LangString RC_UNCONFIRM_TEXT ${LANG_RUSSIAN} "Удаляются только файлы самой программы. Ваша книга учёта, резервные копии и папка данных ($LOCALAPPDATA\RuralCouncil или папка data рядом с переносной копией) не удаляются."
LangString RC_DETAIL_OLD_FILES ${LANG_RUSSIAN} "Удаление файлов предыдущей версии программы"
LangString RC_DETAIL_DATA_KEPT ${LANG_RUSSIAN} "Книга учёта и резервные копии не тронуты: $LOCALAPPDATA\RuralCouncil"
!endif

!ifdef LANG_ENGLISH
LangString RC_SHORTCUT_APP ${LANG_ENGLISH} "RuralCouncil"
LangString RC_SHORTCUT_UNINSTALL ${LANG_ENGLISH} "Uninstall RuralCouncil"
LangString RC_SHORTCUT_DESCRIPTION ${LANG_ENGLISH} "A village council's budget ledger"
LangString RC_RUNNING ${LANG_ENGLISH} "RuralCouncil is running, so its files cannot be replaced.$\r$\n$\r$\nClose the program (all its windows) and click Retry. To stop the installation, click Cancel."
LangString RC_UN_RUNNING ${LANG_ENGLISH} "RuralCouncil is running, so it cannot be uninstalled.$\r$\n$\r$\nClose the program (all its windows) and click Retry. To stop the uninstallation, click Cancel."
LangString RC_FINISH_TEXT ${LANG_ENGLISH} "$(^NameDA) has been installed on your computer.$\r$\n$\r$\nYour ledger and its backups are kept in $LOCALAPPDATA\RuralCouncil. Updating or uninstalling the program never touches them."
LangString RC_UNCONFIRM_TEXT ${LANG_ENGLISH} "Only the program's own files are removed. Your ledger, its backups and the data folder ($LOCALAPPDATA\RuralCouncil, or the data folder beside a portable copy) are not deleted."
LangString RC_DETAIL_OLD_FILES ${LANG_ENGLISH} "Removing the previous version's program files"
LangString RC_DETAIL_DATA_KEPT ${LANG_ENGLISH} "The ledger and its backups were left in place: $LOCALAPPDATA\RuralCouncil"
!endif
