package jgrad.data;

import java.io.IOException;

/**
 * A dataset's files are in none of the places looked in and could not be downloaded (downloading
 * switched off, offline, or the download failed its checks). The message lists the places looked
 * in, why no download happened, and how to get the files; the download's own error, if any, is the
 * cause.
 */
public class DatasetUnavailableException extends IOException {
    public DatasetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
