import { addDocumentStrings } from "../../i18n/i18n";
import { documentsDe } from "./de";
import { documentsEn } from "./en";

// Imported by every lazy module of the documents: their strings are there before any of them renders.
addDocumentStrings({ en: documentsEn, de: documentsDe });
