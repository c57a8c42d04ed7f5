import { addAdminStrings } from "../../i18n/i18n";
import { adminDe } from "./de";
import { adminEn } from "./en";

// Imported for its effect, by the administration's entry (AdminArea) and by the tests: the strings are
// there before anything of the administration renders.
addAdminStrings({ en: adminEn, de: adminDe });
